import { Clock } from '../../shared/clock';
import { DomainService } from '../../shared/domain-service';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { Conversation } from '../conversation';
import { Message } from '../message';
import { MessageRepository } from '../message.repository';
import { ThreadFollowRepository } from './thread-follow.repository';

/**
 * What a change in a thread does beside the change itself: the root's summary is announced (a
 * logged MESSAGE_UPDATED of the root, so resuming readers get it too), and the people involved
 * follow the thread (its author when a reply is sent, who replied, who was mentioned).
 */
@DomainService()
export class ThreadActivity {
  constructor(
    private readonly messages: MessageRepository,
    private readonly follows: ThreadFollowRepository,
    private readonly publisher: RealtimePublisher,
    private readonly clock: Clock,
  ) {}

  async replied(conversation: Conversation, root: Message, reply: Message): Promise<void> {
    const at = this.clock.now();
    await this.announce(conversation, root.id, at);
    const t = conversation.tenantId;
    // The replier has read up to their own reply.
    await this.follows.follow(t, reply.senderId, conversation.id, root.id, at, reply.seq);
    const others = new Set<string>([root.senderId, ...reply.mentions]);
    others.delete(reply.senderId);
    // Mentions resolve to members only; a root author who left follows in vain (reads are checked).
    for (const userId of others) await this.follows.follow(t, userId, conversation.id, root.id, at);
  }

  /** A reply was deleted: its root's summary changed. */
  async replyRemoved(conversation: Conversation, reply: Message): Promise<void> {
    if (!reply.threadRootId) return;
    await this.announce(conversation, reply.threadRootId, this.clock.now());
  }

  private async announce(conversation: Conversation, rootId: string, at: Date): Promise<void> {
    const mutation = await this.messages.touchThread(conversation.tenantId, rootId, at);
    if (mutation) await this.publisher.logged(conversation, mutation.event, mutation.message);
  }
}
