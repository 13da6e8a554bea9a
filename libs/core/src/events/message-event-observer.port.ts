import { Conversation } from '../messaging/conversation';
import { Message } from '../messaging/message';

/**
 * Told of every stored message change after it was published (outgoing webhooks listen here).
 * Implementations must not throw and must not delay the caller: they queue their work.
 */
export abstract class MessageEventObserver {
  abstract messageLogged(
    conversation: Conversation,
    kind: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED',
    message: Message,
  ): void;
}

/** No one listening (embedded tests, tools). */
export class NoMessageEventObserver extends MessageEventObserver {
  override messageLogged(): void {}
}

/** Tells several observers (webhooks, link previews), each on its own: one failing stops none. */
export class MessageEventObservers extends MessageEventObserver {
  constructor(private readonly observers: readonly MessageEventObserver[]) {
    super();
  }

  override messageLogged(
    conversation: Conversation,
    kind: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED',
    message: Message,
  ): void {
    for (const observer of this.observers) {
      try {
        observer.messageLogged(conversation, kind, message);
      } catch {
        // Observers must not throw; one that does never keeps the others from hearing.
      }
    }
  }
}
