import { buildSchema, ExecutionArgs, GraphQLObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Message, RealtimeEvent } from '@chatter/core';
import { VIEWER_DEPENDENT } from '../models/viewer-dependent.decorator';
import { SharedPayload } from './shared-frames';
import { SharedRenderer } from './shared-renderer';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { chatEvents(since: Int): ChatEvent }
  union ChatEvent = MessageAdded | ResyncRequired
  type MessageAdded { seq: Int! message: Message! }
  type ResyncRequired { conversationId: ID! reason: String! }
  type Message { id: ID! body(upper: Boolean): String mine: Boolean broken: String }
`);
const message = schema.getType('Message') as GraphQLObjectType;
let bodyRuns = 0;
message.getFields().body!.resolve = (m: Message, args: { upper?: boolean }) => {
  bodyRuns++;
  return args.upper ? m.body?.toUpperCase() : m.body;
};
message.getFields().mine!.resolve = (m: Message, _a, ctx: { viewer: string }) =>
  m.senderId === ctx.viewer;
(message.getFields().mine as { extensions: object }).extensions = { [VIEWER_DEPENDENT]: true };
message.getFields().broken!.resolve = () => {
  throw new Error('boom');
};

const added = (body: string): RealtimeEvent => ({
  type: 'MESSAGE_ADDED',
  tenantId: 't',
  conversationId: 'c',
  seq: 1,
  message: {
    id: 'm1',
    tenantId: 't',
    conversationId: 'c',
    seq: 1,
    senderId: 'ada',
    clientMessageId: 'k',
    body,
    replyToId: null,
    mentions: [],
    mentionsAll: false,
    call: null,
    createdAt: new Date(0),
    editedAt: null,
    deletedAt: null,
    expiresAt: null,
  },
});

function subscriber(
  renderer: SharedRenderer,
  query: string,
  viewer: string,
  variableValues: Record<string, unknown> = {},
) {
  const args: ExecutionArgs = {
    schema,
    document: parse(query),
    variableValues,
    contextValue: { viewer, loaders: { clear: () => undefined } },
  };
  return { args, plan: renderer.plan(args) };
}

describe('SharedRenderer', () => {
  it('executes and serializes a viewer-independent selection once per event for every subscriber with it', async () => {
    const renderer = new SharedRenderer(schema);
    const document = parse(
      'subscription S($since: Int) { chatEvents(since: $since) { __typename ... on MessageAdded { seq message { id body } } } }',
    );
    const subs = ['ada', 'bob', 'cyd'].map((viewer, i) => {
      const args: ExecutionArgs = {
        schema,
        document,
        variableValues: { since: i },
        contextValue: { viewer, loaders: { clear: () => undefined } },
      };
      return { args, plan: renderer.plan(args) };
    });
    expect(new Set(subs.map((s) => s.plan.key)).size).toBe(1); // root arguments do not change how an event looks
    bodyRuns = 0;
    const event = added('$& and $` and \u2028');
    const results = await Promise.all(
      subs.map((s) => renderer.render({ kind: 'event', event }, s.args, s.plan)),
    );
    expect(bodyRuns).toBe(1);
    for (const r of results) expect(r).toBeInstanceOf(SharedPayload);
    const json = (results[0] as SharedPayload).json;
    expect(results.every((r) => (r as SharedPayload).json === json)).toBe(true);
    expect(JSON.parse(json)).toEqual({
      data: {
        chatEvents: {
          __typename: 'MessageAdded',
          seq: 1,
          message: { id: 'm1', body: '$& and $` and \u2028' },
        },
      },
    });
  });

  it('keeps apart subscribers whose selections or render variables differ', async () => {
    const renderer = new SharedRenderer(schema);
    const q =
      'subscription S($u: Boolean) { chatEvents { ... on MessageAdded { message { body(upper: $u) } } } }';
    const lower = subscriber(renderer, q, 'ada', { u: false });
    const upper = subscriber(renderer, q, 'bob', { u: true });
    expect(lower.plan.key).not.toBe(upper.plan.key);
    const event = added('hi');
    const [a, b] = await Promise.all([
      renderer.render({ kind: 'event', event }, lower.args, lower.plan),
      renderer.render({ kind: 'event', event }, upper.args, upper.plan),
    ]);
    expect(JSON.parse((a as SharedPayload).json).data.chatEvents.message.body).toBe('hi');
    expect(JSON.parse((b as SharedPayload).json).data.chatEvents.message.body).toBe('HI');
  });

  it('executes a viewer-dependent selection per subscriber', async () => {
    const renderer = new SharedRenderer(schema);
    const q = 'subscription { chatEvents { ... on MessageAdded { message { id mine } } } }';
    const ada = subscriber(renderer, q, 'ada');
    const bob = subscriber(renderer, q, 'bob');
    expect(ada.plan.viewerDependent).toBe(true);
    const event = added('x');
    const a = await renderer.render({ kind: 'event', event }, ada.args, ada.plan);
    const b = await renderer.render({ kind: 'event', event }, bob.args, bob.plan);
    expect(a).not.toBeInstanceOf(SharedPayload);
    expect(a).toEqual({ data: { chatEvents: { message: { id: 'm1', mine: true } } } });
    expect(b).toEqual({ data: { chatEvents: { message: { id: 'm1', mine: false } } } });
  });

  it('renders results with errors per subscriber (errors are formatted for each)', async () => {
    const renderer = new SharedRenderer(schema);
    const sub = subscriber(
      renderer,
      'subscription { chatEvents { ... on MessageAdded { message { broken } } } }',
      'ada',
    );
    const result = await renderer.render({ kind: 'event', event: added('x') }, sub.args, sub.plan);
    expect(result).not.toBeInstanceOf(SharedPayload);
    expect((result as { errors?: unknown[] }).errors).toHaveLength(1);
  });

  it('renders a resync per subscriber and delivers nothing for events without a client shape', async () => {
    const renderer = new SharedRenderer(schema);
    const sub = subscriber(
      renderer,
      'subscription { chatEvents { ... on ResyncRequired { conversationId reason } } }',
      'ada',
    );
    expect(
      await renderer.render(
        { kind: 'resync', conversationId: 'c', reason: 'TOO_FAR_BEHIND' },
        sub.args,
        sub.plan,
      ),
    ).toEqual({
      data: { chatEvents: { conversationId: 'c', reason: 'TOO_FAR_BEHIND' } },
    });
    const revoked: RealtimeEvent = {
      type: 'SESSION_REVOKED',
      tenantId: 't',
      userId: 'ada',
      sessionId: 's',
    };
    expect(await renderer.render({ kind: 'event', event: revoked }, sub.args, sub.plan)).toBeNull();
  });
});
