import { checkEmoji } from '../../shared/emoji';
import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId } from '../../shared/ids';
import { checkOptionalText, checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { CoreSettings } from '../../shared/settings';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { PresencePrivacy, ProfilePatch, User } from '../user';
import { UserRepository } from '../user.repository';

const PRIVACY: readonly PresencePrivacy[] = ['EVERYONE', 'CONTACTS', 'NOBODY'];

/** Reads users of the caller's tenant. */
@UseCase()
export class GetUsers {
  constructor(private readonly users: UserRepository) {}

  async me(actor: Actor): Promise<User> {
    const user = await this.users.findById(actor.tenantId, actor.userId);
    if (!user) throw notFound('user');
    return user;
  }

  async byId(actor: Actor, id: string): Promise<User | null> {
    if (!isWellFormedId(id)) return null;
    return this.users.findById(actor.tenantId, id);
  }

  async byIds(actor: Actor, ids: readonly string[]): Promise<User[]> {
    return this.users.findByIds(actor.tenantId, ids.filter(isWellFormedId));
  }
}

export interface ProfileInput {
  name?: string | null;
  avatarUrl?: string | null;
  statusText?: string | null;
  statusEmoji?: string | null;
  presencePrivacy?: PresencePrivacy | null;
}

@UseCase()
export class UpdateProfile {
  constructor(
    private readonly users: UserRepository,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, input: ProfileInput): Promise<User> {
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const patch: ProfilePatch = {};
    if (input.name !== undefined) {
      if (input.name === null) throw invalid('name', 'name cannot be removed');
      patch.name = checkText('name', input.name, { min: 1, max: 64 });
    }
    if (input.avatarUrl !== undefined) patch.avatarUrl = checkAvatarUrl(input.avatarUrl);
    const statusText = checkOptionalText('statusText', input.statusText, 140);
    if (statusText !== undefined) patch.statusText = statusText;
    const statusEmoji = checkOptionalText('statusEmoji', input.statusEmoji, 32);
    if (statusEmoji !== undefined) {
      patch.statusEmoji = statusEmoji === null ? null : checkEmoji(statusEmoji, 'statusEmoji');
    }
    if (input.presencePrivacy !== undefined && input.presencePrivacy !== null) {
      if (!PRIVACY.includes(input.presencePrivacy))
        throw invalid('presencePrivacy', 'unknown privacy setting');
      patch.presencePrivacy = input.presencePrivacy;
    }
    const user = await this.users.update(actor.tenantId, actor.userId, patch, this.clock.now());
    if (!user) throw notFound('user');
    if (patch.presencePrivacy !== undefined) {
      // Watchers re-evaluate what they may see of this user's presence.
      await Promise.all([
        this.publisher.toUser(actor.userId, {
          type: 'BLOCKS_CHANGED',
          tenantId: actor.tenantId,
          userId: actor.userId,
        }),
        this.publisher.presenceVisibilityChanged([user]),
      ]);
    }
    const shown: (keyof ProfilePatch)[] = ['name', 'avatarUrl', 'statusText', 'statusEmoji'];
    if (shown.some((field) => patch[field] !== undefined)) {
      // Contacts and people in shared conversations see the new name without reloading.
      await this.publisher.toPresence({
        type: 'PROFILE_CHANGED',
        tenantId: actor.tenantId,
        userId: actor.userId,
        user,
      });
    }
    return user;
  }
}

function checkAvatarUrl(value: string | null): string | null {
  if (value === null || value.trim() === '') return null;
  if (typeof value !== 'string' || value.length > 2048)
    throw invalid('avatarUrl', 'avatar URL is too long');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid('avatarUrl', 'avatar URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid('avatarUrl', 'avatar URL must be http(s)');
  return url.toString();
}
