import { UseCase } from '../../shared/use-case';
import { BlockRepository, ContactRepository } from '../contact.repository';
import { User } from '../user';

/**
 * What one user may see of another. Consent is the target's: their phone number, and their
 * presence when it is set to CONTACTS, are shown only to users the target has in their own
 * contacts (and have not blocked). Having someone in *your* contacts, sharing a conversation
 * with them or writing to them reveals nothing of theirs.
 */
@UseCase()
export class UserViewPolicy {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
  ) {}

  async canSeePhone(viewerId: string, target: User): Promise<boolean> {
    if (viewerId === target.id) return true;
    if (!(await this.contacts.isContact(target.tenantId, target.id, viewerId))) return false;
    // Blocking someone withdraws what your contact list granted them.
    return !(await this.blocks.hasBlocked(target.tenantId, target.id, viewerId));
  }

  async canSeePresence(viewerId: string, target: User): Promise<boolean> {
    if (viewerId === target.id) return true;
    if (await this.blocks.isBlockedEitherWay(target.tenantId, viewerId, target.id)) return false;
    switch (target.presencePrivacy) {
      case 'EVERYONE':
        return true;
      case 'NOBODY':
        return false;
      case 'CONTACTS':
        return this.contacts.isContact(target.tenantId, target.id, viewerId);
    }
  }
}
