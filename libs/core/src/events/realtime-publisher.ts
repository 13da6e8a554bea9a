import { User } from '../identity/user';
import { Conversation } from '../messaging/conversation';
import { LoggedEvent, Message } from '../messaging/message';
import { DomainService } from '../shared/domain-service';
import { EventBus, topics } from './event-bus.port';
import { MessageEventObserver } from './message-event-observer.port';
import { encodeEvent, RealtimeEvent } from './realtime-event';

/** Where a failed publish is reported; the store stays the truth, clients resume from it. */
export abstract class PublishErrorReporter {
  abstract report(error: unknown, event: RealtimeEvent): void;
}

/**
 * Publishes domain events to per-conversation, per-user and per-presence topics. Publishing is
 * at-most-once and never fails the operation that caused it.
 */
@DomainService()
export class RealtimePublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly errors: PublishErrorReporter,
    private readonly observer?: MessageEventObserver,
  ) {}

  async toConversation(event: RealtimeEvent & { conversationId: string }): Promise<void> {
    await this.send(topics.conversation(event.tenantId, event.conversationId), event);
  }

  async toUser(userId: string, event: RealtimeEvent): Promise<void> {
    await this.send(topics.user(event.tenantId, userId), event);
  }

  async toPresence(
    event: Extract<RealtimeEvent, { type: 'PRESENCE' | 'PRESENCE_VISIBILITY' | 'PROFILE_CHANGED' }>,
  ): Promise<void> {
    await this.send(topics.presence(event.tenantId, event.userId), event);
  }

  /**
   * Publishes the event a logged change produced (message or membership or conversation).
   * `conversation` is the conversation as of the change: membership and conversation events
   * carry it, so rendering them reads nothing.
   */
  async logged(conversation: Conversation, event: LoggedEvent, message?: Message): Promise<void> {
    const base = {
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      seq: event.seq,
    };
    switch (event.kind) {
      case 'MESSAGE_ADDED':
      case 'MESSAGE_UPDATED':
        if (!message) return;
        await this.toConversation({ ...base, type: event.kind, message });
        this.observer?.messageLogged(conversation, event.kind, message);
        return;
      case 'MEMBERSHIP_CHANGED': {
        const e = {
          ...base,
          type: 'MEMBERSHIP_CHANGED' as const,
          userId: event.userId,
          change: event.change,
          conversation,
        };
        // The member's own stream may not follow this conversation yet (just added) or any more.
        await Promise.all([this.toConversation(e), this.toUser(event.userId, e)]);
        return;
      }
      case 'CONVERSATION_CHANGED':
        await this.toConversation({ ...base, type: 'CONVERSATION_CHANGED', conversation });
        return;
    }
  }

  /** Tells the user's presence watchers that who may see it changed (privacy setting, blocks). */
  async presenceVisibilityChanged(users: readonly User[]): Promise<void> {
    await Promise.all(
      users.map((user) =>
        this.toPresence({
          type: 'PRESENCE_VISIBILITY',
          tenantId: user.tenantId,
          userId: user.id,
          user,
        }),
      ),
    );
  }

  private async send(topic: string, event: RealtimeEvent): Promise<void> {
    try {
      await this.bus.publish(topic, encodeEvent(event));
    } catch (error) {
      this.errors.report(error, event);
    }
  }
}
