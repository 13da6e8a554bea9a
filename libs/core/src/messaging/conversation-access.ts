import { grantCoversConversation } from '../shared/bot-grant';
import { Actor } from '../shared/actor';
import { DomainError, forbidden, notFound } from '../shared/domain-error';
import { isWellFormedId } from '../shared/ids';
import { DomainService } from '../shared/domain-service';
import { Conversation, Member, MemberRole } from './conversation';
import { ConversationRepository } from './conversation.repository';
import { FormerMember, ReadPeriod, readablePeriods } from './read-periods';

export interface Membership {
  conversation: Conversation;
  member: Member;
}

/** Someone who may read a conversation: a member, or a former member (read-only). */
export interface Readership {
  conversation: Conversation;
  /** Null for a former member. */
  member: Member | null;
  /** Their past periods (also while a member again); null when they never left. */
  former: FormerMember | null;
  /** What they may read of the log (docs/history-visibility.md). */
  periods: ReadPeriod[];
}

/**
 * Membership checks. Non-members, other tenants and missing ids all get the same NOT_FOUND,
 * so nobody learns that a conversation exists. A former member (who left or was removed) keeps
 * reading what they could read (`reader`), and gets NOT_A_MEMBER for anything that needs a member.
 */
@DomainService()
export class ConversationAccess {
  constructor(private readonly conversations: ConversationRepository) {}

  async member(actor: Actor, conversationId: string): Promise<Membership> {
    if (!isWellFormedId(conversationId) || !grantCoversConversation(actor.grant, conversationId))
      throw notFound('conversation');
    const [conversation, member] = await Promise.all([
      this.conversations.findById(actor.tenantId, conversationId),
      this.conversations.getMember(actor.tenantId, conversationId, actor.userId),
    ]);
    // Asked whenever the caller is not a member, so a conversation that exists costs a stranger
    // the same reads as a random id.
    const former = member ? null : await this.formerOf(actor, conversationId);
    if (conversation && former)
      throw new DomainError('NOT_A_MEMBER', 'you are no longer a member of this conversation');
    if (!conversation || !member) throw notFound('conversation');
    return { conversation, member };
  }

  /** A member or former member, with the periods of the log they may read; NOT_FOUND otherwise. */
  async reader(actor: Actor, conversationId: string): Promise<Readership> {
    // A bot token scoped to some conversations reads only those (as `member` checks).
    if (!isWellFormedId(conversationId) || !grantCoversConversation(actor.grant, conversationId))
      throw notFound('conversation');
    const [conversation, member, former] = await Promise.all([
      this.conversations.findById(actor.tenantId, conversationId),
      this.conversations.getMember(actor.tenantId, conversationId, actor.userId),
      this.formerOf(actor, conversationId),
    ]);
    if (!conversation || (!member && !former)) throw notFound('conversation');
    return { conversation, member, former, periods: readablePeriods(member, former) };
  }

  private formerOf(actor: Actor, conversationId: string): Promise<FormerMember | null> {
    return this.conversations.getFormerMember(actor.tenantId, conversationId, actor.userId);
  }

  async withRole(
    actor: Actor,
    conversationId: string,
    roles: readonly MemberRole[],
  ): Promise<Membership> {
    const membership = await this.member(actor, conversationId);
    if (!roles.includes(membership.member.role))
      throw forbidden('only conversation admins can do this');
    return membership;
  }

  /**
   * A conversation the actor may look at: one they belong to or used to belong to (read-only),
   * or a public channel of their tenant.
   */
  async visible(
    actor: Actor,
    conversationId: string,
  ): Promise<{ conversation: Conversation; member: Member | null } | null> {
    if (!isWellFormedId(conversationId) || !grantCoversConversation(actor.grant, conversationId))
      return null;
    const [conversation, member] = await Promise.all([
      this.conversations.findById(actor.tenantId, conversationId),
      this.conversations.getMember(actor.tenantId, conversationId, actor.userId),
    ]);
    if (!conversation) return null;
    if (member || conversation.kind === 'CHANNEL') return { conversation, member };
    return (await this.formerOf(actor, conversationId)) ? { conversation, member } : null;
  }
}

export const ADMIN_ROLES: readonly MemberRole[] = ['OWNER', 'ADMIN'];

export const notInDirect = (conversation: Conversation): void => {
  if (conversation.kind === 'DIRECT') {
    throw new DomainError('FORBIDDEN', 'direct conversations have exactly two members');
  }
};
