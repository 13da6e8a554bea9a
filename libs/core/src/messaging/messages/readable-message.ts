import { Actor } from '../../shared/actor';
import { DomainError, notFound } from '../../shared/domain-error';
import { DomainService } from '../../shared/domain-service';
import { isWellFormedId } from '../../shared/ids';
import { ConversationAccess, Readership } from '../conversation-access';
import { Message } from '../message';
import { MessageRepository } from '../message.repository';
import { canReadSeq } from '../read-periods';

/**
 * A message the actor may read: one of a conversation they belong or belonged to, within the
 * periods of its log they may read. Anything else, in any tenant, is the same NOT_FOUND.
 */
@DomainService()
export class ReadableMessages {
  constructor(
    private readonly messages: MessageRepository,
    private readonly access: ConversationAccess,
  ) {}

  async load(actor: Actor, id: string): Promise<{ message: Message; readership: Readership }> {
    const message = isWellFormedId(id) ? await this.messages.findById(actor.tenantId, id) : null;
    if (!message) throw notFound('message');
    let readership: Readership;
    try {
      readership = await this.access.reader(actor, message.conversationId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw notFound('message');
      throw error;
    }
    if (!canReadSeq(readership.periods, message.seq)) throw notFound('message');
    return { message, readership };
  }
}
