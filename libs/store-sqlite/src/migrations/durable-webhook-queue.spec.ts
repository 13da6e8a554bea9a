import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite-driver';
import { SqliteWebhookRepository } from '../sqlite-webhook.repository';
import { MIGRATIONS, migrate } from './index';

describe('migration 40: durable webhook queue', () => {
  let db: Database.Database;
  afterEach(() => db.close());

  it('keeps existing webhooks (enabled, no failures) and their delivery log, and accepts DEAD', async () => {
    db = openDatabase(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 40),
    );
    db.prepare(
      `INSERT INTO webhooks (tenant_id, id, bot_id, url, secret, events, created_at)
       VALUES ('t', 'w', 'b', 'https://x.example/h', 'whsec_x', '["message.created"]', 5)`,
    ).run();
    db.prepare(
      `INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, event_id, event_type, attempt, status, response_status, error, at)
       VALUES ('t', 'd', 'w', 'msg_1', 'message.created', 2, 'FAILED', 500, NULL, 7)`,
    ).run();

    expect(
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 40),
      ),
    ).toEqual([40]);
    const repo = new SqliteWebhookRepository(db);
    expect(await repo.findById('t', 'w')).toMatchObject({
      consecutiveFailures: 0,
      disabledAt: null,
      disabledReason: null,
    });
    expect(await repo.listDeliveries('t', 'w', 10)).toMatchObject([
      { id: 'd', attempt: 2, status: 'FAILED', responseStatus: 500 },
    ]);
    await repo.addDelivery({
      id: 'e',
      tenantId: 't',
      webhookId: 'w',
      eventId: 'msg_2',
      eventType: 'message.created',
      attempt: 8,
      status: 'DEAD',
      responseStatus: null,
      error: 'timed out',
      at: new Date(9),
    });
    expect((await repo.listDeliveries('t', 'w', 10)).map((d) => d.status)).toEqual([
      'DEAD',
      'FAILED',
    ]);
    // Deleting a webhook still takes its log and its queue with it.
    db.prepare(
      `INSERT INTO webhook_queue (tenant_id, id, webhook_id, conversation_id, event_id, event_type, body, attempt, next_attempt_at, status, created_at)
       VALUES ('t', 'q', 'w', 'c', 'msg_3', 'message.created', '{}', 1, 0, 'PENDING', 0)`,
    ).run();
    db.prepare("DELETE FROM webhooks WHERE id = 'w'").run();
    expect(db.prepare('SELECT count(*) AS n FROM webhook_deliveries').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM webhook_queue').get()).toEqual({ n: 0 });
  });
});
