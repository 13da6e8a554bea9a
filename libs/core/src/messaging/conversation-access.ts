import { grantCoversConversation } from '../shared/bot-grant';
import { Actor } from '../shared/actor';
import { DomainError, forbidden, notFound } from '../shared/domain-error';
import { isWellFormedId } from '../shared/ids';
import { DomainService } from '../shared/domain-service';
import { Conversation, Member, MemberRole } from './conversation';
import { ConversationRepository } from './conversation.repository';

export interface Membership {
  conversation: Conversation;
  member: Member;
}

/**
 * Membership checks. Non-members, other tenants and missing ids all get the same NOT_FOUND,
 * so nobody learns that a conversation exists.
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
    if (!conversation || !member) throw notFound('conversation');
    return { conversation, member };
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

  /** A conversation the actor may look at: one they belong to, or a public channel of their tenant. */
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
    if (!member && conversation.kind !== 'CHANNEL') return null;
    return { conversation, member };
  }
}

export const ADMIN_ROLES: readonly MemberRole[] = ['OWNER', 'ADMIN'];

export const notInDirect = (conversation: Conversation): void => {
  if (conversation.kind === 'DIRECT') {
    throw new DomainError('FORBIDDEN', 'direct conversations have exactly two members');
  }
};
