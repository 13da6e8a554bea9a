import { describe, expect, it } from 'vitest';
import { presencePrivacySeenBy } from './user';

describe('what a viewer sees of a user', () => {
  it('shows the presence privacy setting to the user alone', () => {
    const user = { id: 'ann', presencePrivacy: 'CONTACTS' as const };
    expect(presencePrivacySeenBy(user, 'ann')).toBe('CONTACTS');
    expect(presencePrivacySeenBy(user, 'ben')).toBeNull();
  });
});
