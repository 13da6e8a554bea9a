import type { Contact } from '@chatter/core';
import type { ContactRecord } from '../schemas/contact.schema';

export const toContact = (r: ContactRecord): Contact => ({
  ownerId: r.ownerId,
  contactId: r.contactId,
  createdAt: r.createdAt,
});
