import { Actor } from '../../shared/actor';
import { DomainError } from '../../shared/domain-error';
import { UseCase } from '../../shared/use-case';
import { AttachmentRepository } from '../../media/attachment.repository';
import { Message } from '../message';
import { ReadableMessages } from './readable-message';
import { SendMessages } from './messages.use-cases';

/**
 * Forwarding: a copy of a message the user can read, sent by them (with every check and limit of
 * a send) to a conversation they can send in, marked `forwarded`. The copy keeps nothing of its
 * origin (no conversation, sender or message id), so a private conversation leaks nothing.
 */
@UseCase()
export class ForwardMessage {
  constructor(
    private readonly readable: ReadableMessages,
    private readonly attachments: AttachmentRepository,
    private readonly send: SendMessages,
  ) {}

  async forward(
    actor: Actor,
    input: { messageId: string; conversationId: string; clientMessageId: string },
  ): Promise<{ message: Message; created: boolean }> {
    const { message: source } = await this.readable.load(actor, input.messageId);
    if (source.deletedAt || source.body === null)
      throw refused('a deleted message cannot be forwarded', 'FORWARD_DELETED');
    if (source.call) throw refused('a call record cannot be forwarded', 'FORWARD_CALL');
    // An attachment's files belong to its one message (they expire when it is deleted): a copy
    // cannot share them, so a message with attachments is refused rather than sent without them.
    if ((await this.attachments.listByMessages(actor.tenantId, [source.id])).length > 0)
      throw refused('a message with attachments cannot be forwarded', 'FORWARD_ATTACHMENTS');
    return this.send.send(
      actor,
      {
        conversationId: input.conversationId,
        clientMessageId: input.clientMessageId,
        body: source.body,
      },
      { forwarded: true },
    );
  }
}

const refused = (message: string, reason: string) =>
  new DomainError('VALIDATION_FAILED', message, { field: 'messageId', reason });
