import { buildSchema, ExecutionArgs, GraphQLObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Message, RealtimeEvent } from '@chatter/core';
import { VIEWER_DEPENDENT } from '../models/viewer-dependent.decorator';
import { PendingPayload, RenderedPayload } from './pending-payload';
import { SharedRenderer } from './shared-renderer';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { chatEvents(since: Int): ChatEvent }
  union ChatEvent = MessageAdded | ResyncRequired
  type MessageAdded { seq: Int! message: Message! }
  type ResyncRequired { conversationId: ID! reason: String! }
  type Message { id: ID! body(upper: Boolean): String mine: Boolean broken: String later: String }
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
let laterRuns = 0;
message.getFields().later!.resolve = async (m: Message) => {
  laterRuns++;
  return `later ${m.body}`;
};

/** The payload's JSON once settled (waits for a pending one). */
async function settled(payload: RenderedPayload): Promise<string | null> {
  if (!(payload instanceof PendingPayload)) return payload;
  await new Promise<void>((resolve) => payload.whenSettled(resolve));
  if (payload.failed) throw payload.error;
  return payload.value;
}

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
    const results = subs.map((s) => renderer.render({ kind: 'event', event }, s.args, s.plan));
    expect(bodyRuns).toBe(1);
    const json = results[0];
    expect(typeof json).toBe('string'); // synchronous resolvers: ready at once
    expect(results.every((r) => r === json)).toBe(true);
    expect(JSON.parse(json as string)).toEqual({
      data: {
        chatEvents: {
          __typename: 'MessageAdded',
          seq: 1,
          message: { id: 'm1', body: '$& and $` and \u2028' },
        },
      },
    });
  });

  it('does not coerce the root arguments again for each event (cursors chose the events already)', () => {
    const renderer = new SharedRenderer(schema);
    // Checked when the subscription started; a value coercion would refuse is never read again.
    const sub = subscriber(
      renderer,
      'subscription S($since: Int) { chatEvents(since: $since) { ... on MessageAdded { seq } } }',
      'ada',
      { since: 'not an Int' },
    );
    const json = renderer.render({ kind: 'event', event: added('x') }, sub.args, sub.plan);
    expect(JSON.parse(json as string)).toEqual({ data: { chatEvents: { seq: 1 } } });
  });

  it('keeps apart subscribers whose selections or render variables differ', async () => {
    const renderer = new SharedRenderer(schema);
    const q =
      'subscription S($u: Boolean) { chatEvents { ... on MessageAdded { message { body(upper: $u) } } } }';
    const lower = subscriber(renderer, q, 'ada', { u: false });
    const upper = subscriber(renderer, q, 'bob', { u: true });
    expect(lower.plan.key).not.toBe(upper.plan.key);
    const event = added('hi');
    const a = renderer.render({ kind: 'event', event }, lower.args, lower.plan) as string;
    const b = renderer.render({ kind: 'event', event }, upper.args, upper.plan) as string;
    expect(JSON.parse(a).data.chatEvents.message.body).toBe('hi');
    expect(JSON.parse(b).data.chatEvents.message.body).toBe('HI');
  });

  it('executes a viewer-dependent selection per subscriber', async () => {
    const renderer = new SharedRenderer(schema);
    const q = 'subscription { chatEvents { ... on MessageAdded { message { id mine } } } }';
    const ada = subscriber(renderer, q, 'ada');
    const bob = subscriber(renderer, q, 'bob');
    expect(ada.plan.viewerDependent).toBe(true);
    const event = added('x');
    const a = renderer.render({ kind: 'event', event }, ada.args, ada.plan) as string;
    const b = renderer.render({ kind: 'event', event }, bob.args, bob.plan) as string;
    expect(JSON.parse(a)).toEqual({ data: { chatEvents: { message: { id: 'm1', mine: true } } } });
    expect(JSON.parse(b)).toEqual({ data: { chatEvents: { message: { id: 'm1', mine: false } } } });
  });

  it('serializes results with errors through the formatter it was given', () => {
    const renderer = new SharedRenderer(schema, (result) =>
      JSON.stringify({
        ...result,
        errors: result.errors?.map((e) => ({ message: `x ${e.message}` })),
      }),
    );
    const sub = subscriber(
      renderer,
      'subscription { chatEvents { ... on MessageAdded { message { broken } } } }',
      'ada',
    );
    const json = renderer.render({ kind: 'event', event: added('x') }, sub.args, sub.plan);
    expect(JSON.parse(json as string).errors).toEqual([{ message: 'x boom' }]);
  });

  it('hands out one pending payload per event and selection while a resolver is asynchronous', async () => {
    const renderer = new SharedRenderer(schema);
    // Cached documents: equal texts are one document object.
    const document = parse(
      'subscription { chatEvents { ... on MessageAdded { message { later } } } }',
    );
    const subs = ['ada', 'bob'].map((viewer) => {
      const args: ExecutionArgs = {
        schema,
        document,
        contextValue: { viewer, loaders: { clear: () => undefined } },
      };
      return { args, plan: renderer.plan(args) };
    });
    laterRuns = 0;
    const event = added('$&');
    const [a, b] = subs.map((s) => renderer.render({ kind: 'event', event }, s.args, s.plan));
    expect(a).toBeInstanceOf(PendingPayload);
    expect(b).toBe(a);
    expect(laterRuns).toBe(1);
    expect(JSON.parse((await settled(a!))!)).toEqual({
      data: { chatEvents: { message: { later: 'later $&' } } },
    });
    // Later subscribers of the same event get the settled payload.
    expect(renderer.render({ kind: 'event', event }, subs[0]!.args, subs[0]!.plan)).toBe(a);
  });

  it('renders a resync per subscriber and delivers nothing for events without a client shape', async () => {
    const renderer = new SharedRenderer(schema);
    const sub = subscriber(
      renderer,
      'subscription { chatEvents { ... on ResyncRequired { conversationId reason } } }',
      'ada',
    );
    const resync = renderer.render(
      { kind: 'resync', conversationId: 'c', reason: 'TOO_FAR_BEHIND' },
      sub.args,
      sub.plan,
    );
    expect(JSON.parse((await settled(resync))!)).toEqual({
      data: { chatEvents: { conversationId: 'c', reason: 'TOO_FAR_BEHIND' } },
    });
    const revoked: RealtimeEvent = {
      type: 'SESSION_REVOKED',
      tenantId: 't',
      userId: 'ada',
      sessionId: 's',
    };
    expect(renderer.render({ kind: 'event', event: revoked }, sub.args, sub.plan)).toBeNull();
  });
});
