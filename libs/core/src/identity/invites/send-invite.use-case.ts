import { Actor } from '../../shared/actor';
import { DomainError, forbidden, notFound } from '../../shared/domain-error';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { SmsSender } from '../sms-sender.port';
import { UserRepository } from '../user.repository';
import { normalizePhone } from '../phone';

/** Longest inviter name put into an invitation; longer names are cut. */
export const INVITE_NAME_MAX = 40;

/** The invitation's text: who invites, and where to sign up when the deployment says (PUBLIC_URL).
 *  The address never comes from the inviter. */
export function invitationText(inviterName: string, publicUrl = ''): string {
  const clean = [...inviterName.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').trim()]
    .slice(0, INVITE_NAME_MAX)
    .join('')
    .trim();
  const where = publicUrl ? ` at ${publicUrl}` : '';
  return `${clean || 'Someone'} invited you to Chatter. Sign up with this phone number${where} to chat with them.`;
}

/**
 * Sends an invitation SMS, through the deployment's SMS sender, to a number of the caller's
 * tenant that has no account. Limits: invitations per inviter, one per number per window (from
 * anyone), then the tenant's and the deployment's SMS budgets shared with login codes.
 * A limit of 0 invitations per inviter turns the feature off (FORBIDDEN).
 */
@UseCase()
export class SendInvite {
  constructor(
    private readonly users: UserRepository,
    private readonly limiter: RateLimiter,
    private readonly sms: SmsSender,
    private readonly settings: CoreSettings,
  ) {}

  async execute(actor: Actor, phone: string): Promise<{ sent: true; to: string }> {
    const s = this.settings;
    if (s.invitesPerUser.limit <= 0) throw forbidden('invitations by SMS are turned off');
    const to = normalizePhone(phone);
    const inviter = await this.users.findById(actor.tenantId, actor.userId);
    if (!inviter) throw notFound('user');
    if (inviter.phone === to) throw new DomainError('CONFLICT', 'this is your own number');
    await enforceRateLimit(
      this.limiter,
      `invite:user:${actor.tenantId}:${actor.userId}`,
      s.invitesPerUser,
      'invitations',
    );
    if (await this.users.findByPhone(actor.tenantId, to))
      throw new DomainError('CONFLICT', 'this number already uses Chatter', { field: 'phone' });
    await enforceRateLimit(
      this.limiter,
      `invite:phone:${actor.tenantId}:${to}`,
      s.invitesPerNumber,
      'invitations to this number',
    );
    await enforceRateLimit(this.limiter, `sms:tenant:${actor.tenantId}`, s.smsPerTenant, 'SMS');
    await enforceRateLimit(this.limiter, 'sms:global', s.smsGlobal, 'SMS');
    await this.sms.send({
      to,
      purpose: 'invitation',
      text: invitationText(inviter.name, s.publicUrl),
      tenant: actor.tenantId,
    });
    return { sent: true, to };
  }
}
