import { Migration } from './migration';

/*
 * Before contacts needed consent, the first message of a direct conversation added each member to
 * the other's contacts, both rows with the same created_at. That showed the recipient's phone
 * number and CONTACTS-only presence to whoever wrote first. Now writing adds only the recipient to
 * the writer's contacts, so of such a pair this keeps the direction of each member who wrote in
 * the DM and drops the direction of a member who never did.
 */
export const contactsByConsentMigration: Migration = {
  version: 3,
  name: 'contacts-by-consent',
  up(db) {
    db.exec(`
      CREATE TEMP TABLE legacy_contacts AS
        SELECT c.tenant_id, c.owner_id, c.contact_id
        FROM contacts c
        JOIN contacts r
          ON r.tenant_id = c.tenant_id AND r.owner_id = c.contact_id AND r.contact_id = c.owner_id
         AND r.created_at = c.created_at
        JOIN conversations dm
          ON dm.tenant_id = c.tenant_id AND dm.kind = 'DIRECT'
         AND dm.unique_key = 'dm:' || min(c.owner_id, c.contact_id) || ':' || max(c.owner_id, c.contact_id)
        WHERE NOT EXISTS (
          SELECT 1 FROM messages m
          WHERE m.tenant_id = c.tenant_id AND m.conversation_id = dm.id AND m.sender_id = c.owner_id
        );
      DELETE FROM contacts
        WHERE (tenant_id, owner_id, contact_id) IN (SELECT tenant_id, owner_id, contact_id FROM legacy_contacts);
      DROP TABLE legacy_contacts;
    `);
  },
};
