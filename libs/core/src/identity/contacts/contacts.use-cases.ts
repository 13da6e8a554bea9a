import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, UserId } from '../../shared/ids';
import { Page, pageSize } from '../../shared/page';
import { UseCase } from '../../shared/use-case';
import { CoreSettings } from '../../shared/settings';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';

const writeLimit = (limiter: RateLimiter, settings: CoreSettings, actor: Actor) =>
  enforceRateLimit(limiter, `write:${actor.tenantId}:${actor.userId}`, settings.writesPerUser, 'changes');
import { RealtimePublisher } from '../../events/realtime-publisher';
import { BlockRepository, Contact, ContactRepository } from '../contact.repository';
import { normalizePhone } from '../phone';
import { User } from '../user';
import { UserRepository } from '../user.repository';

@UseCase()
export class ManageContacts {
  constructor(
    private readonly users: UserRepository,
    private readonly contacts: ContactRepository,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Adds the user with this number (in the caller's tenant) to the caller's contacts. */
  async add(actor: Actor, phone: string): Promise<{ contact: Contact; user: User }> {
    const normalized = normalizePhone(phone);
    // Limited like any write: it also bounds how fast one can probe which numbers are registered.
    await writeLimit(this.limiter, this.settings, actor);
    const user = await this.users.findByPhone(actor.tenantId, normalized);
    if (!user) throw new DomainError('NOT_FOUND', 'nobody uses Chatter with this phone number', { field: 'phone' });
    if (user.id === actor.userId) throw invalid('phone', 'you cannot add yourself');
    const at = this.clock.now();
    await this.contacts.add(actor.tenantId, actor.userId, user.id, at);
    return { contact: { ownerId: actor.userId, contactId: user.id, createdAt: at }, user };
  }

  async remove(actor: Actor, userId: string): Promise<boolean> {
    if (!isWellFormedId(userId)) return false;
    await writeLimit(this.limiter, this.settings, actor);
    return this.contacts.remove(actor.tenantId, actor.userId, userId);
  }

  async list(actor: Actor, first: number | null | undefined, after: string | null | undefined): Promise<Page<Contact>> {
    return this.contacts.list(actor.tenantId, actor.userId, { first: pageSize(first), after: after ?? null });
  }

  /** Messaging someone adds each to the other's contacts. */
  async connect(tenantId: string, a: UserId, b: UserId): Promise<void> {
    if (a === b) return;
    const at = this.clock.now();
    await Promise.all([this.contacts.add(tenantId, a, b, at), this.contacts.add(tenantId, b, a, at)]);
  }
}

@UseCase()
export class ManageBlocks {
  constructor(
    private readonly users: UserRepository,
    private readonly blocks: BlockRepository,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async block(actor: Actor, userId: string): Promise<boolean> {
    await writeLimit(this.limiter, this.settings, actor);
    const target = isWellFormedId(userId) ? await this.users.findById(actor.tenantId, userId) : null;
    if (!target) throw notFound('user');
    if (target.id === actor.userId) throw invalid('userId', 'you cannot block yourself');
    await this.blocks.block(actor.tenantId, actor.userId, target.id, this.clock.now());
    await this.announce(actor, target.id);
    return true;
  }

  async unblock(actor: Actor, userId: string): Promise<boolean> {
    if (!isWellFormedId(userId)) throw notFound('user');
    await writeLimit(this.limiter, this.settings, actor);
    const removed = await this.blocks.unblock(actor.tenantId, actor.userId, userId);
    if (removed) await this.announce(actor, userId);
    return removed;
  }

  async list(actor: Actor): Promise<User[]> {
    const ids = await this.blocks.listBlocked(actor.tenantId, actor.userId);
    const users = await this.users.findByIds(actor.tenantId, ids);
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id)).filter((u): u is User => u !== undefined);
  }

  private async announce(actor: Actor, otherId: string): Promise<void> {
    const event = { type: 'BLOCKS_CHANGED' as const, tenantId: actor.tenantId, userId: actor.userId };
    // Each one's presence watchers re-evaluate too: a block hides presence both ways.
    const both = await this.users.findByIds(actor.tenantId, [actor.userId, otherId]);
    await Promise.all([
      this.publisher.toUser(actor.userId, event),
      this.publisher.toUser(otherId, event),
      this.publisher.presenceVisibilityChanged(both),
    ]);
  }
}
