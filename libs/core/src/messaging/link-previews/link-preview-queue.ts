import { MessageEventObserver } from '../../events/message-event-observer.port';
import { Conversation } from '../conversation';
import { Message } from '../message';

type Worker = (conversation: Conversation, message: Message) => void;

/**
 * Hands each newly added message to the link preview worker ({@link LinkPreviews} registers
 * itself). A separate object, because the publisher that tells observers is one of the
 * worker's own dependencies.
 */
export class LinkPreviewQueue extends MessageEventObserver {
  private worker: Worker | null = null;

  setWorker(worker: Worker): void {
    this.worker = worker;
  }

  override messageLogged(
    conversation: Conversation,
    kind: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED',
    message: Message,
  ): void {
    if (kind === 'MESSAGE_ADDED') this.worker?.(conversation, message);
  }
}
