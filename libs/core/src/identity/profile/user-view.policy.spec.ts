import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockRepository, ContactRepository } from '../contact.repository';
import type { PresencePrivacy, User } from '../user';
import { UserViewPolicy } from './user-view.policy';

const PEOPLE = ['ann', 'ben', 'cat', 'dan'] as const;
type Person = (typeof PEOPLE)[number];
const pair = fc.tuple(fc.constantFrom(...PEOPLE), fc.constantFrom(...PEOPLE));

/** A world: who has whom in their contacts, who blocked whom, and each person's presence privacy. */
const world = fc.record({
  contacts: fc.uniqueArray(pair, { selector: ([a, b]) => `${a}>${b}` }),
  blocks: fc.uniqueArray(pair, { selector: ([a, b]) => `${a}>${b}` }),
  privacy: fc.constantFrom<PresencePrivacy>('EVERYONE', 'CONTACTS', 'NOBODY'),
});

function policyOver(contacts: [Person, Person][], blocks: [Person, Person][]): UserViewPolicy {
  const has = (edges: [Person, Person][], a: string, b: string) =>
    edges.some(([x, y]) => x === a && y === b);
  const among = (edges: [Person, Person][], user: string, others: readonly string[]) => ({
    out: new Set(others.filter((o) => has(edges, user, o))),
    in: new Set(others.filter((o) => has(edges, o, user))),
  });
  // Point reads and batched reads answer from the same edges, whichever the policy uses.
  const contactRepo = {
    isContact: async (_t: string, owner: string, contact: string) => has(contacts, owner, contact),
    relationsAmong: async (_t: string, user: string, others: readonly string[]) => {
      const r = among(contacts, user, others);
      return { contacts: r.out, contactOf: r.in };
    },
  } as unknown as ContactRepository;
  const blockRepo = {
    hasBlocked: async (_t: string, blocker: string, blocked: string) =>
      has(blocks, blocker, blocked),
    isBlockedEitherWay: async (_t: string, a: string, b: string) =>
      has(blocks, a, b) || has(blocks, b, a),
    blocksAmong: async (_t: string, user: string, others: readonly string[]) => {
      const r = among(blocks, user, others);
      return { blocked: r.out, blockedBy: r.in };
    },
  } as unknown as BlockRepository;
  return new UserViewPolicy(contactRepo, blockRepo);
}

const user = (id: Person, presencePrivacy: PresencePrivacy): User =>
  ({ id, tenantId: 't', presencePrivacy }) as unknown as User;

describe('UserViewPolicy: consent is the target’s', () => {
  it('shows a phone only to its owner and to users in the owner’s contacts whom the owner has not blocked', async () => {
    await fc.assert(
      fc.asyncProperty(world, pair, async ({ contacts, blocks, privacy }, [viewer, target]) => {
        const policy = policyOver(contacts, blocks);
        const granted =
          contacts.some(([o, c]) => o === target && c === viewer) &&
          !blocks.some(([b, d]) => b === target && d === viewer);
        expect(await policy.canSeePhone(viewer, user(target, privacy))).toBe(
          viewer === target || granted,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never lets the viewer’s own address book, or the viewer’s blocks alone, decide what they see', async () => {
    await fc.assert(
      fc.asyncProperty(world, pair, async ({ contacts, blocks, privacy }, [viewer, target]) => {
        fc.pre(viewer !== target);
        const withViewerEdge = contacts.some(([o, c]) => o === viewer && c === target)
          ? contacts
          : [...contacts, [viewer, target] as [Person, Person]];
        const withoutViewerEdge = contacts.filter(([o, c]) => !(o === viewer && c === target));
        const a = policyOver(withViewerEdge, blocks);
        const b = policyOver(withoutViewerEdge, blocks);
        const t = user(target, privacy);
        expect(await a.canSeePhone(viewer, t)).toBe(await b.canSeePhone(viewer, t));
        expect(await a.canSeePresence(viewer, t)).toBe(await b.canSeePresence(viewer, t));
      }),
      { numRuns: 300 },
    );
  });

  it('shows presence per the target’s privacy: CONTACTS means the target’s contacts, and a block either way hides it', async () => {
    await fc.assert(
      fc.asyncProperty(world, pair, async ({ contacts, blocks, privacy }, [viewer, target]) => {
        const policy = policyOver(contacts, blocks);
        const blocked = blocks.some(
          ([x, y]) => (x === viewer && y === target) || (x === target && y === viewer),
        );
        const inTargetsContacts = contacts.some(([o, c]) => o === target && c === viewer);
        const expected =
          viewer === target ||
          (!blocked && (privacy === 'EVERYONE' || (privacy === 'CONTACTS' && inTargetsContacts)));
        expect(await policy.canSeePresence(viewer, user(target, privacy))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
