import { Actor } from '../shared/actor';

/** Told when a user acts (sends a message): presence makes an AWAY user ONLINE again. */
export abstract class UserActivity {
  abstract active(actor: Actor): Promise<void>;
}
