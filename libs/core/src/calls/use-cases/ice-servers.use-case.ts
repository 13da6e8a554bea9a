import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { IceServer, turnCredentials } from '../turn-credentials';

/**
 * The ICE servers a caller's browser should use: the STUN URIs, and the TURN URIs with
 * credentials minted for this user that expire after TURN_TTL_SECONDS. Without TURN, calls
 * connect only where the two devices reach each other directly (same network, or open NATs).
 */
@UseCase()
export class GetIceServers {
  constructor(
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  forUser(actor: Actor): { servers: IceServer[]; turnConfigured: boolean; expiresAt: Date | null } {
    const servers: IceServer[] = [];
    const { stunUris, turnUris, turnSecret, turnTtlSeconds } = this.settings;
    if (stunUris.length > 0) servers.push({ urls: stunUris, username: null, credential: null });
    if (turnUris.length === 0 || !turnSecret)
      return { servers, turnConfigured: false, expiresAt: null };
    const minted = turnCredentials(turnSecret, actor.userId, this.clock.now(), turnTtlSeconds);
    servers.push({ urls: turnUris, username: minted.username, credential: minted.credential });
    return { servers, turnConfigured: true, expiresAt: minted.expiresAt };
  }
}
