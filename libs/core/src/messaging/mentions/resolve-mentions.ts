import { DomainService } from '../../shared/domain-service';
import { ConversationRepository } from '../conversation.repository';
import { Membership } from '../conversation-access';
import { mayMentionAll } from '../mention-all-policy';
import { MentionSet, parseMentions } from '../mention-syntax';

/**
 * The server's decision on who a body mentions: tokens naming current members of the
 * conversation, and `@all` when the conversation lets the author use it. Everything else in
 * the body stays text.
 */
@DomainService()
export class ResolveMentions {
  constructor(private readonly conversations: ConversationRepository) {}

  async resolve(author: Membership, body: string): Promise<MentionSet> {
    const asked = parseMentions(body);
    const { conversation, member } = author;
    const members = await Promise.all(
      asked.userIds.map((userId) =>
        userId === member.userId
          ? member
          : this.conversations.getMember(conversation.tenantId, conversation.id, userId),
      ),
    );
    return {
      userIds: asked.userIds.filter((_, i) => members[i] !== null),
      all: asked.all && mayMentionAll(conversation.kind, conversation.mentionAll, member.role),
    };
  }
}
