import { UserId } from '../../shared/ids';
import { Message } from '../message';

/**
 * The idempotency key a client gave a message is its sender's own: the sender's clients match
 * it to their outbox; anyone else sees null (it would tell them about the sender's devices and
 * retries).
 */
export const clientMessageIdSeenBy = (
  message: Pick<Message, 'senderId' | 'clientMessageId'>,
  viewer: UserId,
): string | null => (message.senderId === viewer ? message.clientMessageId : null);

/**
 * The message a reply quotes, as shown with it: only a message of the reply's own conversation
 * (a reply never reveals a message of another conversation, whatever its replyToId says); null
 * when there is none or the viewer cannot see it (`quoted` null).
 */
export const quotedMessageOf = (
  reply: Pick<Message, 'conversationId' | 'replyToId'>,
  quoted: Message | null,
): Message | null =>
  reply.replyToId !== null &&
  quoted !== null &&
  quoted.id === reply.replyToId &&
  quoted.conversationId === reply.conversationId
    ? quoted
    : null;

/** A deleted message mentions nobody: `@all` shows only on a live message. */
export const mentionsAllShown = (message: Pick<Message, 'deletedAt' | 'mentionsAll'>): boolean =>
  !message.deletedAt && message.mentionsAll;

/**
 * Whether a message mentions the viewer (by `<@id>` token or `@all`): never their own, never a
 * deleted one.
 */
export const mentionsViewer = (
  message: Pick<Message, 'deletedAt' | 'senderId' | 'mentionsAll' | 'mentions'>,
  viewer: UserId,
): boolean =>
  !message.deletedAt &&
  message.senderId !== viewer &&
  (message.mentionsAll || message.mentions.includes(viewer));
