import { UserId } from '../../shared/ids';
import { DomainService } from '../../shared/domain-service';
import { BlockRepository, ContactRepository } from '../contact.repository';
import { User } from '../user';

/** What a viewer may see of one user, and how the two are related. */
export interface UserView {
  /** The target is in the viewer's contacts. */
  isContact: boolean;
  /** The viewer blocked the target. */
  isBlocked: boolean;
  phoneVisible: boolean;
  presenceVisible: boolean;
}

interface Relation {
  isContact: boolean;
  isContactOf: boolean;
  hasBlocked: boolean;
  blockedBy: boolean;
}

/**
 * What one user may see of another. Consent is the target's: their phone number, and their
 * presence when it is set to CONTACTS, are shown only to users the target has in their own
 * contacts (and have not blocked). Having someone in *your* contacts, sharing a conversation
 * with them or writing to them reveals nothing of theirs.
 */
@DomainService()
export class UserViewPolicy {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
  ) {}

  async canSeePhone(viewerId: string, target: User): Promise<boolean> {
    return (await this.viewsOf(viewerId, [target])).get(target.id)!.phoneVisible;
  }

  async canSeePresence(viewerId: string, target: User): Promise<boolean> {
    return (await this.viewsOf(viewerId, [target])).get(target.id)!.presenceVisible;
  }

  /**
   * The viewer's view of many users (one tenant) with two store reads whatever their number:
   * a page of members costs the same reads as one user.
   */
  async viewsOf(viewerId: string, targets: readonly User[]): Promise<Map<UserId, UserView>> {
    const views = new Map<UserId, UserView>();
    const others = [...new Set(targets.filter((t) => t.id !== viewerId).map((t) => t.id))];
    const tenantId = targets[0]?.tenantId;
    const [contacts, blocks] =
      tenantId && others.length > 0
        ? await Promise.all([
            this.contacts.relationsAmong(tenantId, viewerId, others),
            this.blocks.blocksAmong(tenantId, viewerId, others),
          ])
        : [
            { contacts: new Set<UserId>(), contactOf: new Set<UserId>() },
            { blocked: new Set<UserId>(), blockedBy: new Set<UserId>() },
          ];
    for (const target of targets) {
      const relation: Relation = {
        isContact: contacts.contacts.has(target.id),
        isContactOf: contacts.contactOf.has(target.id),
        hasBlocked: blocks.blocked.has(target.id),
        blockedBy: blocks.blockedBy.has(target.id),
      };
      views.set(target.id, {
        isContact: relation.isContact,
        isBlocked: relation.hasBlocked,
        phoneVisible: phoneVisible(viewerId, target, relation),
        presenceVisible: presenceVisible(viewerId, target, relation),
      });
    }
    return views;
  }
}

function phoneVisible(viewerId: string, target: User, relation: Relation): boolean {
  if (viewerId === target.id) return true;
  // Blocking someone withdraws what your contact list granted them.
  return relation.isContactOf && !relation.blockedBy;
}

function presenceVisible(viewerId: string, target: User, relation: Relation): boolean {
  if (viewerId === target.id) return true;
  if (relation.hasBlocked || relation.blockedBy) return false;
  switch (target.presencePrivacy) {
    case 'EVERYONE':
      return true;
    case 'NOBODY':
      return false;
    case 'CONTACTS':
      return relation.isContactOf;
  }
}
