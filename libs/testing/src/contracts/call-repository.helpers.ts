import { NewMember } from '@chatter/core';
import { aConversation } from '../builders';
import { StoreUnderTest, seedUsers } from './store-under-test';

/** Two users and a conversation of theirs. */
export async function aChatOfTwo(s: StoreUnderTest, tenantId: string) {
  const users = await seedUsers(s, tenantId, 2);
  const members: NewMember[] = users.map((u) => ({ userId: u.id, role: 'MEMBER' }));
  const conversation = await s.conversations.create(aConversation(tenantId), members);
  return { conversation, users };
}
