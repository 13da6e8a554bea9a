import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { renderDocument, renderVariables } from './render-variables';

describe('renderVariables', () => {
  it('leaves out the root field arguments: cursors decide which events, not how they look', () => {
    const doc = parse(`subscription S($since: [StreamCursor!], $ids: [ID!]) {
      chatEvents(since: $since, conversationIds: $ids) { __typename ... on MessageAdded { seq } }
    }`);
    expect(renderVariables(doc, 'S')).toEqual([]);
  });

  it('keeps variables used inside the selection, in fragments and in directives', () => {
    const doc = parse(`subscription S($since: [StreamCursor!], $withBody: Boolean!, $n: Int) {
      chatEvents(since: $since) { ...F ... on MessageAdded @include(if: $withBody) { seq } }
    }
    fragment F on ChatEvent { __typename ... on MessageAdded { message { reactions(first: $n) { emoji } } } }`);
    expect(renderVariables(doc, 'S')).toEqual(['n', 'withBody']);
  });

  it('counts a variable used both as a root argument and inside the selection', () => {
    const doc = parse(`subscription S($c: ID!) {
      chatEvents(conversationIds: [$c]) { ... on MessageAdded { message { conversationId(x: $c) } } }
    }`);
    expect(renderVariables(doc, 'S')).toEqual(['c']);
  });

  it('ignores the other operations of the document', () => {
    const doc = parse(`subscription A($a: Int) { chatEvents(since: $a) { __typename } }
      query B($b: Int) { me(x: $b) { id } }`);
    expect(renderVariables(doc, 'A')).toEqual([]);
  });

  it('treats root arguments as render variables when the root field is behind a named fragment', () => {
    const doc = parse(`subscription S($since: [StreamCursor!]) { ...R }
      fragment R on Subscription { chatEvents(since: $since) { __typename } }`);
    expect(renderVariables(doc, 'S')).toEqual(['since']);
  });
});

describe('renderDocument', () => {
  it('keeps the operation and its selection, without root arguments or their variables', () => {
    const doc = parse(`subscription S($since: [StreamCursor!], $withBody: Boolean!, $n: Int) {
      chatEvents(since: $since) { ...F ... on MessageAdded @include(if: $withBody) { seq } }
    }
    query Other($x: Int) { me(x: $x) { id } }
    fragment F on ChatEvent { ... on MessageAdded { message { reactions(first: $n) { emoji } } } }`);
    const rendered = print(renderDocument(doc, 'S', renderVariables(doc, 'S')));
    expect(rendered).toContain('subscription S($withBody: Boolean!, $n: Int)');
    expect(rendered).toContain('chatEvents {');
    expect(rendered).toContain('fragment F on ChatEvent');
    expect(rendered).not.toContain('since');
    expect(rendered).not.toContain('Other');
  });

  it('leaves the document as it is when the root field is behind a named fragment', () => {
    const doc = parse(`subscription S($since: [StreamCursor!]) { ...R }
      fragment R on Subscription { chatEvents(since: $since) { __typename } }`);
    expect(renderDocument(doc, 'S', renderVariables(doc, 'S'))).toBe(doc);
  });
});
