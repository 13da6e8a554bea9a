import { UserId } from '../shared/ids';
import { Conversation } from './conversation';
import { Message } from './message';

/** Who an edit newly reaches with a mention: named members, and everyone when @all was added. */
export interface AddedMentions {
  userIds: readonly UserId[];
  everyone: boolean;
}

/**
 * Told about messages that may notify members who are not looking (push, e-mail). Called after
 * the message is committed and published; an implementation never fails the send (it plans work
 * on a queue and swallows its own errors).
 */
export abstract class MessageNotifier {
  abstract messageAdded(conversation: Conversation, message: Message): Promise<void>;
  abstract mentionsAdded(
    conversation: Conversation,
    message: Message,
    added: AddedMentions,
  ): Promise<void>;
}

/** Notifies nobody (tests of other rules, deployments without notifications). */
export class SilentMessageNotifier extends MessageNotifier {
  async messageAdded(): Promise<void> {}
  async mentionsAdded(): Promise<void> {}
}
