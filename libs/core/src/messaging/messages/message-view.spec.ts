import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from '../message';
import {
  clientMessageIdSeenBy,
  mentionsAllShown,
  mentionsViewer,
  quotedMessageOf,
} from './message-view';

const message = (overrides: Partial<Message>): Message => ({
  id: 'm1',
  tenantId: 't1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'ann',
  clientMessageId: 'outbox-1',
  body: 'hi',
  replyToId: null,
  mentions: [],
  mentionsAll: false,
  call: null,
  createdAt: new Date(0),
  editedAt: null,
  deletedAt: null,
  expiresAt: null,
  ...overrides,
});

describe('what a viewer sees of a message', () => {
  it('shows the clientMessageId to its sender only', () => {
    const m = message({});
    expect(clientMessageIdSeenBy(m, 'ann')).toBe('outbox-1');
    expect(clientMessageIdSeenBy(m, 'ben')).toBeNull();
  });

  it('shows the quoted message of a reply only when it is of the same conversation', () => {
    const quoted = message({ id: 'm0', seq: 0 });
    const reply = message({ id: 'm2', seq: 2, replyToId: 'm0' });
    expect(quotedMessageOf(reply, quoted)).toBe(quoted);
    expect(quotedMessageOf(reply, { ...quoted, conversationId: 'c2' })).toBeNull();
    expect(quotedMessageOf(reply, null)).toBeNull();
    expect(quotedMessageOf({ ...reply, replyToId: null }, quoted)).toBeNull();
    expect(quotedMessageOf({ ...reply, replyToId: 'm9' }, quoted)).toBeNull();
  });

  it('shows @all only on a live message', () => {
    expect(mentionsAllShown(message({ mentionsAll: true }))).toBe(true);
    expect(mentionsAllShown(message({ mentionsAll: true, deletedAt: new Date(1) }))).toBe(false);
    expect(mentionsAllShown(message({}))).toBe(false);
  });

  it('mentions the viewer by token or @all; never in their own message or a deleted one', () => {
    const people = fc.constantFrom('ann', 'ben', 'cleo', 'dan');
    fc.assert(
      fc.property(
        people,
        people,
        fc.uniqueArray(people),
        fc.boolean(),
        fc.boolean(),
        (sender, viewer, mentions, mentionsAll, deleted) => {
          const m = message({
            senderId: sender,
            mentions,
            mentionsAll,
            deletedAt: deleted ? new Date(1) : null,
          });
          expect(mentionsViewer(m, viewer)).toBe(
            !deleted && sender !== viewer && (mentionsAll || mentions.includes(viewer)),
          );
        },
      ),
    );
    expect(mentionsViewer(message({ mentions: ['ben'] }), 'ben')).toBe(true);
    expect(mentionsViewer(message({ mentions: ['ben'] }), 'cleo')).toBe(false);
    expect(mentionsViewer(message({ mentionsAll: true }), 'ann')).toBe(false);
    expect(mentionsViewer(message({ mentions: ['ben'], deletedAt: new Date(1) }), 'ben')).toBe(
      false,
    );
  });
});
