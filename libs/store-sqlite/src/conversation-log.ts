import type { Database, Statement } from 'better-sqlite3';
import { LoggedEvent, LoggedEventInput, MessageId } from '@chatter/core';
import { EventRow, fromLoggedEvent } from './mappers/conversation.mapper';

export type LogEntryInput = LoggedEventInput | { kind: 'MESSAGE_ADDED'; messageId: MessageId };

type EventInsert = EventRow & { tenant_id: string; conversation_id: string };

const toEvent = (input: LogEntryInput, seq: number, at: Date): LoggedEvent => {
  switch (input.kind) {
    case 'MESSAGE_ADDED':
    case 'MESSAGE_UPDATED':
      return { kind: input.kind, seq, messageId: input.messageId, at };
    case 'MEMBERSHIP_CHANGED':
    case 'CONVERSATION_CHANGED':
      return { ...input, seq, at };
  }
};

/** Appends entries to a conversation's ordered log; shared by the conversation and message repositories. */
export class ConversationLog {
  private readonly bump: Statement<[string, string], { last_seq: number }>;
  private readonly insert: Statement<[EventInsert]>;

  constructor(db: Database) {
    this.bump = db.prepare(
      'UPDATE conversations SET last_seq = last_seq + 1 WHERE tenant_id = ? AND id = ? RETURNING last_seq',
    );
    this.insert =
      db.prepare(`INSERT INTO events (tenant_id, conversation_id, seq, kind, message_id, user_id, change, at,
        actor_id, role, attribute, value)
      VALUES (@tenant_id, @conversation_id, @seq, @kind, @message_id, @user_id, @change, @at,
        @actor_id, @role, @attribute, @value)`);
  }

  /**
   * Takes the conversation's next seq and records the entry. Must run inside a write
   * transaction, together with the change it describes. Null when the conversation is absent.
   */
  record(
    tenantId: string,
    conversationId: string,
    input: LogEntryInput,
    at: Date,
  ): LoggedEvent | null {
    const bumped = this.bump.get(tenantId, conversationId);
    if (!bumped) return null;
    const event = toEvent(input, bumped.last_seq, at);
    this.insert.run({
      tenant_id: tenantId,
      conversation_id: conversationId,
      ...fromLoggedEvent(event),
    });
    return event;
  }
}
