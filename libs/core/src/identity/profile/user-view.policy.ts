import { UseCase } from '../../shared/use-case';
import { BlockRepository, ContactRepository } from '../contact.repository';
import { User } from '../user';

/** What one user may see of another: phone numbers only for contacts, presence per privacy. */
@UseCase()
export class UserViewPolicy {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
  ) {}

  async canSeePhone(viewerId: string, target: User): Promise<boolean> {
    if (viewerId === target.id) return true;
    return this.contacts.isContact(target.tenantId, viewerId, target.id);
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
