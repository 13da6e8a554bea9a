/*
 * Test helper run as a separate process by sqlite-store.spec.ts: appends messages to a shared
 * database file so the spec can check that seqs and idempotency hold across processes.
 * Usage: concurrent-append.worker.ts <file> <tenantId> <conversationId> <senderId> <count> <label>
 * Prints "ready" once the store is open, starts on a line from stdin (so that several workers
 * run at once), then prints its results as JSON.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { SqliteStore } from './sqlite-store';

async function main(): Promise<void> {
  const [file, tenantId, conversationId, senderId, count, label] = process.argv.slice(2);
  const store = SqliteStore.open({ file });
  const results: { seq: number; created: boolean; clientMessageId: string }[] = [];
  try {
    process.stdout.write('ready\n');
    await once(process.stdin, 'data');
    for (let i = 0; i < Number(count); i++) {
      // Every 10th send uses a key shared with the other process: exactly one of them may create it.
      const clientMessageId = i % 10 === 0 ? `shared-${i}` : `${label}-${i}`;
      const { message, created } = await store.messages.append({
        id: randomUUID(),
        tenantId,
        conversationId,
        senderId,
        clientMessageId,
        body: `${label} ${i}`,
        replyToId: null,
        mentions: { userIds: [], all: false },
        createdAt: new Date(),
      });
      results.push({ seq: message.seq, created, clientMessageId });
    }
  } finally {
    await store.close();
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
