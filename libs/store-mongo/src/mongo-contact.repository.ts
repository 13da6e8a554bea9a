import { Injectable } from '@nestjs/common';
import {
  Contact,
  ContactRelations,
  ContactRepository,
  Page,
  PageRequest,
  TenantId,
  UserId,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { toContact } from './mappers/contact.mapper';
import { isDuplicateKey } from './mongo-errors';
import { cursorDate, decodeKeyset, hasRoom, toPage } from './mongo-pagination';
import { writeOptions } from './mongo-write';
import { CONTACT_MODEL, ContactRecord } from './schemas/contact.schema';

@Injectable()
export class MongoContactRepository extends ContactRepository {
  constructor(@InjectStoreModel(CONTACT_MODEL) private readonly contacts: Model<ContactRecord>) {
    super();
  }

  override async add(
    tenantId: TenantId,
    ownerId: UserId,
    contactId: UserId,
    at: Date,
  ): Promise<boolean> {
    try {
      const result = await this.contacts
        .updateOne(
          { tenantId, ownerId, contactId },
          { $setOnInsert: { createdAt: at } },
          { upsert: true, ...writeOptions(undefined) },
        )
        .exec();
      return result.upsertedCount === 1;
    } catch (err) {
      // Two concurrent upserts of the same pair: the unique index lets one insert.
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  override async remove(tenantId: TenantId, ownerId: UserId, contactId: UserId): Promise<boolean> {
    const result = await this.contacts
      .deleteOne({ tenantId, ownerId, contactId }, writeOptions(undefined))
      .exec();
    return result.deletedCount === 1;
  }

  override async isContact(
    tenantId: TenantId,
    ownerId: UserId,
    contactId: UserId,
  ): Promise<boolean> {
    return (await this.contacts.exists({ tenantId, ownerId, contactId }).exec()) !== null;
  }

  override async list(
    tenantId: TenantId,
    ownerId: UserId,
    page: PageRequest,
  ): Promise<Page<Contact>> {
    const filter: Record<string, unknown> = { tenantId, ownerId };
    if (page.after !== null) {
      const [ms, id] = decodeKeyset(page.after, ['number', 'string']);
      const at = cursorDate(ms);
      filter['$or'] = [{ createdAt: { $gt: at } }, { createdAt: at, contactId: { $gt: id } }];
    }
    const rs = await this.contacts
      .find(filter)
      .sort({ createdAt: 1, contactId: 1 })
      .limit(page.first + 1)
      .lean<ContactRecord[]>()
      .exec();
    return toPage(rs, page, toContact, (r) => [r.createdAt.getTime(), r.contactId]);
  }

  override async listIds(tenantId: TenantId, ownerId: UserId, limit: number): Promise<UserId[]> {
    if (!hasRoom(limit)) return [];
    const rs = await this.contacts
      .find({ tenantId, ownerId })
      .sort({ createdAt: 1, contactId: 1 })
      .limit(limit)
      .lean<ContactRecord[]>()
      .exec();
    return rs.map((r) => r.contactId);
  }

  override async relationsAmong(
    tenantId: TenantId,
    userId: UserId,
    others: readonly UserId[],
  ): Promise<ContactRelations> {
    const result: ContactRelations = { contacts: new Set(), contactOf: new Set() };
    if (others.length === 0) return result;
    const ids = [...others];
    const rs = await this.contacts
      .find(
        {
          tenantId,
          $or: [
            { ownerId: userId, contactId: { $in: ids } },
            { contactId: userId, ownerId: { $in: ids } },
          ],
        },
        { ownerId: 1, contactId: 1 },
      )
      .lean<Pick<ContactRecord, 'ownerId' | 'contactId'>[]>()
      .exec();
    for (const r of rs) {
      if (r.ownerId === userId) result.contacts.add(r.contactId);
      if (r.contactId === userId) result.contactOf.add(r.ownerId);
    }
    return result;
  }
}
