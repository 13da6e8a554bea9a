import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, UserId } from '../../shared/ids';
import { Page, pageSize } from '../../shared/page';
import { UseCase } from '../../shared/use-case';
import { CoreSettings } from '../../shared/settings';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { directKey } from '../../messaging/conversation';
import { ConversationRepository } from '../../messaging/conversation.repository';
import { BlockRepository, Contact, ContactRepository } from '../contact.repository';
import { normalizePhone } from '../phone';
import { User } from '../user';
import { UserRepository } from '../user.repository';

@UseCase()
export class ManageContacts {
  constructor(
    private readonly users: UserRepository,
    private readonly contacts: ContactRepository,
    private readonly conversations: ConversationRepository,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Adds the user with this number (in the caller's tenant) to the caller's contacts. */
  async add(actor: Actor, phone: string): Promise<{ contact: Contact; user: User }> {
    const normalized = normalizePhone(phone);
    // Limited like any write: it also bounds how fast one can probe which numbers are registered.
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const user = await this.users.findByPhone(actor.tenantId, normalized);
    if (!user)
      throw new DomainError('NOT_FOUND', 'nobody uses Chatter with this phone number', {
        field: 'phone',
      });
    if (user.id === actor.userId) throw invalid('phone', 'you cannot add yourself');
    const at = this.clock.now();
    if (await this.contacts.add(actor.tenantId, actor.userId, user.id, at))
      await this.announceChange(actor, user.id, true);
    return { contact: { ownerId: actor.userId, contactId: user.id, createdAt: at }, user };
  }

  async remove(actor: Actor, userId: string): Promise<boolean> {
    if (!isWellFormedId(userId)) return false;
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const removed = await this.contacts.remove(actor.tenantId, actor.userId, userId);
    if (removed) await this.announceChange(actor, userId, false);
    return removed;
  }

  async list(
    actor: Actor,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<Contact>> {
    return this.contacts.list(actor.tenantId, actor.userId, {
      first: pageSize(first),
      after: after ?? null,
    });
  }

  /**
   * The caller's streams follow a new contact's presence from now on; under CONTACTS presence
   * privacy the contact's view of the caller's presence changes (watchers re-evaluate it, so a
   * removed contact stops seeing the caller online); and a DM between the two is refreshed.
   */
  private async announceChange(actor: Actor, otherId: UserId, added: boolean): Promise<void> {
    const me = await this.users.findById(actor.tenantId, actor.userId);
    await Promise.all([
      this.publisher.toUser(actor.userId, {
        type: 'CONTACTS_CHANGED',
        tenantId: actor.tenantId,
        userId: actor.userId,
        contactId: otherId,
        added,
      }),
      me?.presencePrivacy === 'CONTACTS'
        ? this.publisher.presenceVisibilityChanged([me])
        : Promise.resolve(),
      this.announceDirect(actor, otherId),
    ]);
  }

  /**
   * A contact change accepts (or reopens) the message request of a DM between the two, and
   * changes what the other sees of the caller: both clients refresh that conversation.
   */
  private async announceDirect(actor: Actor, otherId: UserId): Promise<void> {
    const dm = await this.conversations.findByUniqueKey(
      actor.tenantId,
      directKey(actor.userId, otherId),
    );
    if (!dm) return;
    await Promise.all(
      [actor.userId, otherId].map((userId) =>
        this.publisher.toUser(userId, {
          type: 'MEMBER_SETTINGS_CHANGED',
          tenantId: actor.tenantId,
          conversationId: dm.id,
          userId,
          conversation: dm,
        }),
      ),
    );
  }

  /**
   * Writing to someone in a direct conversation is the writer's consent, and only the
   * writer's: the recipient joins the writer's contacts (so the recipient may see the writer's
   * number), never the other way round. Returns true when the contact is new.
   */
  async shareWith(tenantId: string, ownerId: UserId, recipientId: UserId): Promise<boolean> {
    if (ownerId === recipientId) return false;
    return this.contacts.add(tenantId, ownerId, recipientId, this.clock.now());
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
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const target = isWellFormedId(userId)
      ? await this.users.findById(actor.tenantId, userId)
      : null;
    if (!target) throw notFound('user');
    if (target.id === actor.userId) throw invalid('userId', 'you cannot block yourself');
    await this.blocks.block(actor.tenantId, actor.userId, target.id, this.clock.now());
    await this.announce(actor, target.id);
    return true;
  }

  async unblock(actor: Actor, userId: string): Promise<boolean> {
    if (!isWellFormedId(userId)) throw notFound('user');
    await enforceWriteLimit(this.limiter, this.settings, actor);
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
    const event = {
      type: 'BLOCKS_CHANGED' as const,
      tenantId: actor.tenantId,
      userId: actor.userId,
    };
    // Each one's presence watchers re-evaluate too: a block hides presence both ways.
    const both = await this.users.findByIds(actor.tenantId, [actor.userId, otherId]);
    await Promise.all([
      this.publisher.toUser(actor.userId, event),
      this.publisher.toUser(otherId, event),
      this.publisher.presenceVisibilityChanged(both),
    ]);
  }
}
