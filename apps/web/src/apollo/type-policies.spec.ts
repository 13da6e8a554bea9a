import { describe, expect, it } from 'vitest';
import { MessageAttachmentFieldsFragmentDoc, MessagesDocument } from '@chatter/client';
import { createCache } from './apollo-client';
import { message } from '../test/fixtures';

function page(seqs: number[], hasPreviousPage: boolean) {
  return {
    messages: {
      __typename: 'MessageConnection' as const,
      edges: seqs.map((s) => ({
        __typename: 'MessageEdge' as const,
        cursor: String(s),
        node: message('c1', s, 'bob'),
      })),
      pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, hasPreviousPage },
    },
  };
}

describe('messages list merge', () => {
  it('keeps one seq-ordered, de-duplicated list across pages', () => {
    const cache = createCache();
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', last: 3 },
      data: page([5, 6, 7], true),
    });
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', last: 3, before: 5 },
      data: page([2, 3, 4], true),
    });
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', after: 6, first: 3 },
      data: page([7, 8], false),
    });
    const read = cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } });
    expect(read?.messages.edges.map((e) => e.node.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(read?.messages.pageInfo.hasPreviousPage).toBe(true);
  });

  it('learns that history is complete only from a page that reaches further back', () => {
    const cache = createCache();
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', last: 2 },
      data: page([3, 4], true),
    });
    // A forward page (live event, gap fill) says nothing about older history.
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', after: 4, first: 1 },
      data: page([5], false),
    });
    expect(
      cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })?.messages
        .pageInfo.hasPreviousPage,
    ).toBe(true);
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', last: 2, before: 3 },
      data: page([1, 2], false),
    });
    expect(
      cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c1' } })?.messages
        .pageInfo.hasPreviousPage,
    ).toBe(false);
  });

  it('keeps conversations apart', () => {
    const cache = createCache();
    cache.writeQuery({
      query: MessagesDocument,
      variables: { conversationId: 'c1', last: 2 },
      data: page([1, 2], false),
    });
    expect(
      cache.readQuery({ query: MessagesDocument, variables: { conversationId: 'c2' } }),
    ).toBeNull();
  });
});

describe('attachment merge', () => {
  it('keeps what processing measured when an older snapshot of the file arrives later', () => {
    const cache = createCache();
    const base = {
      __typename: 'Attachment' as const,
      id: 'a1',
      kind: 'AUDIO' as const,
      name: 'voice-note-1.webm',
      size: 100,
      type: 'audio/webm',
      width: null,
      height: null,
      duration: null as number | null,
      placeholder: null,
      thumbnailUrl: null,
      url: '/files/download/old/voice-note-1.webm' as string | null,
      processing: false,
    };
    const write = (data: typeof base) =>
      cache.writeFragment({
        id: 'Attachment:a1',
        fragment: MessageAttachmentFieldsFragmentDoc,
        data,
      });
    const read = () =>
      cache.readFragment<typeof base>({
        id: 'Attachment:a1',
        fragment: MessageAttachmentFieldsFragmentDoc,
      });
    write(base);
    write({ ...base, duration: 1.62, url: '/files/download/new/voice-note-1.webm' });
    write(base); // serialized before processing finished, delivered after
    expect(read()).toMatchObject({ duration: 1.62, url: '/files/download/old/voice-note-1.webm' });
    // A photo: once processed, an older "processing" snapshot does not bring the spinner back.
    write({ ...base, processing: true, url: null });
    expect(read()).toMatchObject({ processing: false, duration: 1.62 });
  });
});
