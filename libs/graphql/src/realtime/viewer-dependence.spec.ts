import { buildSchema, parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependsOnViewer } from './viewer-dependence';

const schema = buildSchema(readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8'));
const check = (query: string) => dependsOnViewer(schema, parse(query));

describe('dependsOnViewer (shared execution per selection)', () => {
  it('shares selections that read only event facts', () => {
    expect(check('subscription { chatEvents { __typename ... on MessageAdded { seq message { id body sender { id name } createdAt } } } }')).toBe(false);
    expect(check('subscription { chatEvents { ... on ReadReceipt { conversationId userId seq } ... on ResyncRequired { reason } } }')).toBe(false);
  });

  it('executes per subscriber when a field depends on who is looking', () => {
    expect(check('subscription { chatEvents { ... on MessageAdded { message { sender { phone } } } } }')).toBe(true);
    expect(check('subscription { chatEvents { ... on MessageUpdated { message { reactions { emoji reactedByMe } } } } }')).toBe(true);
    expect(check('subscription { chatEvents { ... on ConversationChanged { conversation { unreadCount } } } }')).toBe(true);
    expect(check('subscription { chatEvents { ... on PresenceChanged { user { presence { status } } } } }')).toBe(true);
    expect(check('subscription { chatEvents { ... on MessageAdded { message { clientMessageId } } } }')).toBe(true);
  });

  it('follows fragments', () => {
    expect(check('subscription { chatEvents { ...E } } fragment E on MessageAdded { message { sender { isContact } } }')).toBe(true);
    expect(check('subscription { chatEvents { ...E } } fragment E on MessageAdded { message { id } }')).toBe(false);
  });
});
