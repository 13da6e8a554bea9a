import {
  CoreSettings,
  NotificationJob,
  NotificationQueue,
  NotifyMembers,
  ScheduleEmailDigests,
  SystemClock,
  type Message,
} from '@chatter/core';
import { aConversation, aMessage, aPushDevice, aTenantId, aUser } from '@chatter/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store';

/** NotifyMembers over a real (in-memory) SQLite store: who hears of a thread reply. */

class RecordingQueue extends NotificationQueue {
  readonly recipients: string[] = [];
  async enqueue(_id: string, job: NotificationJob): Promise<void> {
    if (job.kind === 'CHECK') this.recipients.push(job.recipientId);
  }
  consume(): void {}
  async close(): Promise<void> {}
}

let store: SqliteStore;
let queue: RecordingQueue;
let t: string;

beforeEach(() => {
  store = SqliteStore.open({ file: ':memory:' });
  queue = new RecordingQueue();
  t = aTenantId();
});

describe('thread replies notify followers and mentioned members only', () => {
  it('reaches the followers and the mentioned, not the other members', async () => {
    const [ann, bob, cy, dan] = await Promise.all(
      ['Ann', 'Bob', 'Cy', 'Dan'].map((name) => store.users.create(aUser(t, { name }))),
    );
    for (const u of [ann, bob, cy, dan])
      await store.notifications.savePushDevice(aPushDevice(t, u.id));
    const c = await store.conversations.create(
      aConversation(t),
      [ann, bob, cy, dan].map((u) => ({ userId: u.id, role: 'MEMBER' as const })),
    );
    const root = (await store.messages.append(aMessage(t, c.id, ann.id, { body: 'root' }))).message;
    // Ann (the root's author) follows; Dan is mentioned; Cy is neither.
    await store.threadFollows.follow(t, ann.id, c.id, root.id, new Date());
    const reply: Message = (
      await store.messages.append({
        ...aMessage(t, c.id, bob.id, { body: `hi <@${dan.id}>` }),
        mentions: { userIds: [dan.id], all: false },
        threadRootId: root.id,
      })
    ).message;
    const notify = new NotifyMembers(
      store.notifications,
      store.conversations,
      store.blocks,
      queue,
      new CoreSettings(),
      new SystemClock(),
      store.threadFollows,
      // E-mail is off (no mail server): digests plan nothing here.
      { planFor: async () => undefined } as unknown as ScheduleEmailDigests,
    );
    const conversation = (await store.conversations.findById(t, c.id))!;
    await notify.messageAdded(conversation, reply);
    expect(queue.recipients.sort()).toEqual([ann.id, dan.id].sort());

    // A timeline message still reaches every other member.
    queue.recipients.length = 0;
    const plain = (await store.messages.append(aMessage(t, c.id, bob.id, { body: 'all' }))).message;
    await notify.messageAdded(conversation, plain);
    expect(queue.recipients.sort()).toEqual([ann.id, cy.id, dan.id].sort());
  });
});
