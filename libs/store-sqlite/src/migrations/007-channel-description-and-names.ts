import { channelNameKey } from '@chatter/core';
import { Migration } from './migration';

/**
 * A description for groups and channels, and unique channel names per tenant: each channel
 * keeps its name key (`channelNameKey` of the title) under a partial unique index. Channels that
 * already share a name keep working: the oldest holds the name, the others get no key until
 * they are renamed.
 */
export const channelDescriptionAndNamesMigration: Migration = {
  version: 7,
  name: 'channel-description-and-names',
  up(db) {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN description TEXT;
      ALTER TABLE conversations ADD COLUMN channel_name_key TEXT;
    `);
    const channels = db
      .prepare<[], { tenant_id: string; id: string; title: string | null }>(
        `SELECT tenant_id, id, title FROM conversations WHERE kind = 'CHANNEL'
         ORDER BY created_at, id`,
      )
      .all();
    const setKey = db.prepare<[string, string, string]>(
      'UPDATE conversations SET channel_name_key = ? WHERE tenant_id = ? AND id = ?',
    );
    const taken = new Set<string>();
    for (const c of channels) {
      if (c.title === null) continue;
      const key = channelNameKey(c.title);
      if (taken.has(`${c.tenant_id}\u0000${key}`)) continue;
      taken.add(`${c.tenant_id}\u0000${key}`);
      setKey.run(key, c.tenant_id, c.id);
    }
    db.exec(`
      CREATE UNIQUE INDEX conversations_channel_name ON conversations (tenant_id, channel_name_key)
        WHERE channel_name_key IS NOT NULL;
    `);
  },
};
