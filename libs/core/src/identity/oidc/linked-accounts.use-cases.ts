import { Actor } from '../../shared/actor';
import { DomainError, notFound } from '../../shared/domain-error';
import { UseCase } from '../../shared/use-case';
import { UserRepository } from '../user.repository';
import { OidcRepository } from './oidc.repository';
import { checkProviderId } from './oidc-provider-input';

/** One of the caller's linked sign-in providers, as settings show it. */
export interface LinkedAccount {
  providerId: string;
  /** The provider's button name; its id when the provider was removed since. */
  displayName: string;
  email: string | null;
  linkedAt: Date;
}

/** The caller's linked OpenID Connect accounts: list and unlink. */
@UseCase()
export class LinkedAccounts {
  constructor(
    private readonly oidc: OidcRepository,
    private readonly users: UserRepository,
  ) {}

  async list(actor: Actor): Promise<LinkedAccount[]> {
    const [identities, providers] = await Promise.all([
      this.oidc.listIdentities(actor.tenantId, actor.userId),
      this.oidc.listProviders(actor.tenantId),
    ]);
    const names = new Map(providers.map((p) => [p.id, p.displayName]));
    return identities.map((i) => ({
      providerId: i.providerId,
      displayName: names.get(i.providerId) ?? i.providerId,
      email: i.email,
      linkedAt: i.createdAt,
    }));
  }

  /**
   * Unlinks a provider. Refused (FORBIDDEN, reason LAST_SIGN_IN_METHOD) when it is the user's
   * only way in: no phone number, no app identity, no other linked provider.
   */
  async unlink(actor: Actor, providerId: string): Promise<boolean> {
    const id = checkProviderId(providerId);
    const identities = await this.oidc.listIdentities(actor.tenantId, actor.userId);
    if (!identities.some((i) => i.providerId === id)) throw notFound('linked account');
    const user = await this.users.findById(actor.tenantId, actor.userId);
    if (!user) throw notFound('user');
    if (!user.phone && !user.externalId && identities.length <= 1)
      throw new DomainError(
        'FORBIDDEN',
        'this is your only way to sign in: link another provider first',
        { reason: 'LAST_SIGN_IN_METHOD' },
      );
    return this.oidc.removeIdentity(actor.tenantId, actor.userId, id);
  }
}
