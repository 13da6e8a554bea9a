import type { Database, Statement } from 'better-sqlite3';
import {
  Contact,
  ContactRelations,
  ContactRepository,
  Page,
  PageRequest,
  TenantId,
  UserId,
} from '@chatter/core';
import { ContactRow, toContact } from './mappers/contact.mapper';
import { decodeKeyset, toPage } from './pagination';
import { mapConstraintErrors } from './sqlite-errors';

export class SqliteContactRepository extends ContactRepository {
  private readonly insert: Statement<[string, string, string, number]>;
  private readonly deleteOne: Statement<[string, string, string]>;
  private readonly exists: Statement<[string, string, string], { one: number }>;
  private readonly firstPage: Statement<[string, string, number], ContactRow>;
  private readonly nextPage: Statement<[string, string, number, string, number], ContactRow>;
  private readonly ids: Statement<[string, string, number], { contact_id: string }>;
  private readonly relations: Statement<
    [string, string, string, string, string, string],
    { owner_id: string; contact_id: string }
  >;

  constructor(db: Database) {
    super();
    this.insert = db.prepare(
      'INSERT INTO contacts (tenant_id, owner_id, contact_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.deleteOne = db.prepare(
      'DELETE FROM contacts WHERE tenant_id = ? AND owner_id = ? AND contact_id = ?',
    );
    this.exists = db.prepare(
      'SELECT 1 AS one FROM contacts WHERE tenant_id = ? AND owner_id = ? AND contact_id = ?',
    );
    const select =
      'SELECT owner_id, contact_id, created_at FROM contacts WHERE tenant_id = ? AND owner_id = ?';
    const order = 'ORDER BY created_at, contact_id LIMIT ?';
    this.firstPage = db.prepare(`${select} ${order}`);
    this.nextPage = db.prepare(`${select} AND (created_at, contact_id) > (?, ?) ${order}`);
    this.ids = db.prepare(
      'SELECT contact_id FROM contacts WHERE tenant_id = ? AND owner_id = ? LIMIT ?',
    );
    // Two primary-key lookups per other user (both directions), one statement.
    this.relations = db.prepare(`SELECT owner_id, contact_id FROM contacts
      WHERE tenant_id = ? AND owner_id = ? AND contact_id IN (SELECT value FROM json_each(?))
      UNION ALL
      SELECT owner_id, contact_id FROM contacts
      WHERE tenant_id = ? AND contact_id = ? AND owner_id IN (SELECT value FROM json_each(?))`);
  }

  override async add(
    tenantId: TenantId,
    ownerId: UserId,
    contactId: UserId,
    at: Date,
  ): Promise<boolean> {
    return mapConstraintErrors(
      'contact',
      () => this.insert.run(tenantId, ownerId, contactId, at.getTime()).changes === 1,
    );
  }

  override async remove(tenantId: TenantId, ownerId: UserId, contactId: UserId): Promise<boolean> {
    return this.deleteOne.run(tenantId, ownerId, contactId).changes === 1;
  }

  override async isContact(
    tenantId: TenantId,
    ownerId: UserId,
    contactId: UserId,
  ): Promise<boolean> {
    return this.exists.get(tenantId, ownerId, contactId) !== undefined;
  }

  override async list(
    tenantId: TenantId,
    ownerId: UserId,
    page: PageRequest,
  ): Promise<Page<Contact>> {
    let rows: ContactRow[];
    if (page.after === null) {
      rows = this.firstPage.all(tenantId, ownerId, page.first + 1);
    } else {
      const [at, id] = decodeKeyset(page.after, ['number', 'string']);
      rows = this.nextPage.all(tenantId, ownerId, at, id, page.first + 1);
    }
    return toPage(rows, page, toContact, (r) => [r.created_at, r.contact_id]);
  }

  override async listIds(tenantId: TenantId, ownerId: UserId, limit: number): Promise<UserId[]> {
    return this.ids.all(tenantId, ownerId, limit).map((r) => r.contact_id);
  }

  override async relationsAmong(
    tenantId: TenantId,
    userId: UserId,
    others: readonly UserId[],
  ): Promise<ContactRelations> {
    const result: ContactRelations = { contacts: new Set(), contactOf: new Set() };
    if (others.length === 0) return result;
    const ids = JSON.stringify(others);
    for (const row of this.relations.all(tenantId, userId, ids, tenantId, userId, ids)) {
      if (row.owner_id === userId) result.contacts.add(row.contact_id);
      if (row.contact_id === userId) result.contactOf.add(row.owner_id);
    }
    return result;
  }
}
