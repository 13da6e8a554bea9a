import { Contact } from '@chatter/core';
import { fromMs } from '../time';

export interface ContactRow {
  owner_id: string;
  contact_id: string;
  created_at: number;
}

export const toContact = (row: ContactRow): Contact => ({
  ownerId: row.owner_id,
  contactId: row.contact_id,
  createdAt: fromMs(row.created_at),
});
