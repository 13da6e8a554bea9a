import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite-driver';
import { initialMigration } from './001-initial';
import { MIGRATIONS, migrate } from './index';

describe('migration 3: contacts by consent', () => {
  let db: Database.Database;
  afterEach(() => db.close());

  it('drops the contact the first message of a DM gave to a member who never wrote in it, and nothing else', () => {
    db = openDatabase(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [initialMigration]);
    const t = 'acme';
    db.prepare(
      "INSERT INTO tenants (id, name, signing_secret, created_at) VALUES (?, 'Acme', 'secret', 0)",
    ).run(t);
    const user = db.prepare(
      "INSERT INTO users (tenant_id, id, name, presence_privacy, created_at, updated_at) VALUES (?, ?, ?, 'CONTACTS', 0, 0)",
    );
    const [ann, bob, cat, dan, eve] = ['u-ann', 'u-bob', 'u-cat', 'u-dan', 'u-eve'];
    for (const id of [ann, bob, cat, dan, eve]) user.run(t, id, id);
    const dm = db.prepare(
      "INSERT INTO conversations (tenant_id, id, kind, unique_key, last_activity_at, member_count, created_at) VALUES (?, ?, 'DIRECT', ?, 0, 2, 0)",
    );
    const key = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
    let seq = 0;
    const message = db.prepare(
      "INSERT INTO messages (tenant_id, id, conversation_id, seq, sender_id, client_message_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, 'hi', 0)",
    );
    const say = (conversation: string, sender: string) => {
      seq++;
      message.run(t, `m${seq}`, conversation, seq, sender, `k${seq}`);
    };
    const contact = db.prepare(
      'INSERT INTO contacts (tenant_id, owner_id, contact_id, created_at) VALUES (?, ?, ?, ?)',
    );

    // Ann wrote to Bob; Bob never answered: the old code made them contacts both ways at once.
    dm.run(t, 'dm-ab', key(ann, bob));
    say('dm-ab', ann);
    contact.run(t, ann, bob, 1000);
    contact.run(t, bob, ann, 1000);
    // Ann and Cat both wrote: both directions are consent under the new rule too.
    dm.run(t, 'dm-ac', key(ann, cat));
    say('dm-ac', cat);
    say('dm-ac', ann);
    contact.run(t, cat, ann, 2000);
    contact.run(t, ann, cat, 2000);
    // Ann and Dan added each other by hand (different times) and share a DM where only Dan wrote.
    dm.run(t, 'dm-ad', key(ann, dan));
    say('dm-ad', dan);
    contact.run(t, ann, dan, 3000);
    contact.run(t, dan, ann, 3001);
    // Eve and Bob: same-time pair but no DM between them (not made by a first message).
    contact.run(t, eve, bob, 4000);
    contact.run(t, bob, eve, 4000);

    const applied = migrate(db, MIGRATIONS);
    expect(applied).toContain(3);
    const rows = db
      .prepare('SELECT owner_id AS o, contact_id AS c FROM contacts ORDER BY o, c')
      .all();
    expect(rows).toEqual([
      { o: ann, c: bob },
      { o: ann, c: cat },
      { o: ann, c: dan },
      { o: bob, c: eve },
      { o: cat, c: ann },
      { o: dan, c: ann },
      { o: eve, c: bob },
    ]);
    // Applied once only.
    expect(migrate(db, MIGRATIONS)).toEqual([]);
  });
});
