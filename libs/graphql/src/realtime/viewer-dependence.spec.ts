import { GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_RESOLVERS } from '../chatter-graphql.module';
import { isViewerDependent } from '../models/viewer-dependent.decorator';
import { buildApiSchema } from './testing/build-api-schema';
import { FixtureProfileResolver } from './testing/fixture-profile.resolver';
import { fieldsReadingRequest } from './testing/viewer-declaration-check';
import { dependsOnViewer } from './viewer-dependence';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema();
});
const check = (query: string) => dependsOnViewer(schema, parse(query));

describe('dependsOnViewer (shared execution per selection), from the fields’ declarations', () => {
  it('shares selections that read only event facts', () => {
    expect(
      check(
        'subscription { chatEvents { __typename ... on MessageAdded { seq message { id body sender { id name } createdAt } } } }',
      ),
    ).toBe(false);
    expect(
      check(
        'subscription { chatEvents { ... on MessageAdded { message { replyTo { body sender { name statusText statusEmoji } } readBy } } } }',
      ),
    ).toBe(false);
    expect(
      check(
        'subscription { chatEvents { ... on ReadReceipt { conversationId userId seq } ... on ResyncRequired { reason } } }',
      ),
    ).toBe(false);
    expect(
      check(
        'subscription { chatEvents { ... on ConversationChanged { conversation { id title kind lastSeq memberCount } } } }',
      ),
    ).toBe(false);
  });

  it('executes per subscriber when a field depends on who is looking', () => {
    expect(
      check('subscription { chatEvents { ... on MessageAdded { message { sender { phone } } } } }'),
    ).toBe(true);
    expect(
      check(
        'subscription { chatEvents { ... on MessageUpdated { message { reactions { emoji reactedByMe } } } } }',
      ),
    ).toBe(true);
    expect(
      check(
        'subscription { chatEvents { ... on ConversationChanged { conversation { unreadCount } } } }',
      ),
    ).toBe(true);
    expect(
      check(
        'subscription { chatEvents { ... on PresenceChanged { user { presence { status } } } } }',
      ),
    ).toBe(true);
    expect(
      check('subscription { chatEvents { ... on MessageAdded { message { clientMessageId } } } }'),
    ).toBe(true);
    expect(
      check('subscription { chatEvents { ... on TypingChanged { user { lastSeenAt } } } }'),
    ).toBe(true);
  });

  it('follows fragments', () => {
    expect(
      check(
        'subscription { chatEvents { ...E } } fragment E on MessageAdded { message { sender { isContact } } }',
      ),
    ).toBe(true);
    expect(
      check('subscription { chatEvents { ...E } } fragment E on MessageAdded { message { id } }'),
    ).toBe(false);
  });

  it('declares exactly the per-viewer fields of the API (privacy, my settings, my relations)', () => {
    const declared: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields()))
        if (isViewerDependent(field)) declared.push(`${type.name}.${field.name}`);
    }
    expect(declared.sort()).toEqual(
      [
        'User.phone',
        'User.presence',
        'User.lastSeenAt',
        'User.presencePrivacy',
        'User.isContact',
        'User.isBlocked',
        'Message.clientMessageId',
        'Message.reactions',
        'Message.mentionsMe',
        // My own votes (myVotes) are in it.
        'Message.poll',
        'ReactionSummary.reactedByMe',
        // My stars and my follow and read state of threads.
        'Message.starredByMe',
        'ThreadSummary.following',
        'ThreadSummary.unreadCount',
        // Download links are signed for the viewer (and checked against their membership).
        'Attachment.url',
        'Attachment.thumbnailUrl',
        // The offer of a ringing call is for the callee only.
        'Call.offerSdp',
        'Conversation.myRole',
        'Conversation.muted',
        'Conversation.pinned',
        'Conversation.archived',
        'Conversation.isMessageRequest',
        'Conversation.readSeq',
        'Conversation.unreadCount',
        'Conversation.unreadMentionCount',
        'Conversation.otherUser',
        'Conversation.members',
        'Conversation.lastMessage',
        // Whether I am still a member, and how my membership ended (read-only history).
        'Conversation.viewerIsMember',
        'Conversation.viewerExit',
        // Moderation: users and messages as the asking tenant user may see them; none for operators.
        'TenantRoleGrant.user',
        'UserSanction.user',
        'AuditEntry.actor',
        'AuditEntry.target',
        'Report.reporter',
        'Report.message',
        'ReportGroup.target',
      ].sort(),
    );
  });
});

describe('viewer declarations: a field resolver that reads the request must say how it depends on the viewer', () => {
  it('holds for every resolver of the API', () => {
    const reading = fieldsReadingRequest(schema, GRAPHQL_RESOLVERS);
    // The check sees the field resolvers that take the actor or the context.
    expect(reading.map((f) => f.field)).toEqual(
      expect.arrayContaining(['User.phone', 'Message.sender', 'Conversation.unreadCount']),
    );
    const undeclared = reading.filter((f) => !f.declared).map((f) => f.field);
    expect(
      undeclared,
      'declare these with @ViewerDependent() or @SameForEveryViewer(why) where the field is declared',
    ).toEqual([]);
  });

  it('reports a new field that reads the actor or the context without a declaration (fixture)', async () => {
    const withFixture = await buildApiSchema([...GRAPHQL_RESOLVERS, FixtureProfileResolver]);
    const reading = fieldsReadingRequest(withFixture, [FixtureProfileResolver]);
    expect(reading.map((f) => [f.field, f.declared]).sort()).toEqual([
      ['FixtureProfile.greeting', false],
      ['FixtureProfile.mood', true],
      ['FixtureProfile.nickname', false],
      ['FixtureProfile.secret', true],
    ]);
    // And what is declared drives the shared-render decision.
    expect(
      dependsOnViewer(withFixture, parse('{ fixtureProfile { id nickname shout(times: 2) } }')),
    ).toBe(false);
    expect(dependsOnViewer(withFixture, parse('{ fixtureProfile { mood } }'))).toBe(true);
    expect(dependsOnViewer(withFixture, parse('{ fixtureProfile { secret } }'))).toBe(true);
  });
});
