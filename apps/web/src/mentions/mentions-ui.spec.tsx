// Mentions in the web app: the composer's autocomplete turns picked names into tokens, the
// bubble shows tokens as names and marks a message that mentions me.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApolloClient, ApolloLink, ApolloProvider, Observable } from '@apollo/client';
import { ConversationDocument, ConversationMembersDocument } from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { ChatServicesContext, type ChatServices } from '../app/services';
import { Outbox } from '@chatter/sdk';
import { RealtimeSession } from '../realtime/realtime-session';
import type { Session } from '../auth/session';
import { MemoryStorage, conversation, message, user } from '../test/fixtures';
import { Composer } from '../conversation/composer';
import { MessageBubble } from '../conversation/message-bubble';

const ANN = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';

function setup(children: React.ReactNode) {
  const link = new ApolloLink(
    () =>
      new Observable((o) => {
        o.next({ data: {} });
        o.complete();
      }),
  );
  const client = new ApolloClient({ cache: createCache(), link });
  client.cache.writeQuery({
    query: ConversationDocument,
    variables: { id: 'c1' },
    data: { conversation: conversation('c1', 0, { kind: 'GROUP', title: 'Team' }) },
  });
  client.cache.writeQuery({
    query: ConversationMembersDocument,
    variables: { id: 'c1', first: 100 },
    data: {
      conversation: {
        __typename: 'Conversation',
        id: 'c1',
        memberCount: 3,
        myRole: 'MEMBER',
        members: {
          __typename: 'MemberConnection',
          edges: [
            ['me', 'Me'],
            [ANN, 'Ann Lee'],
            [BOB, 'Bob ‮ evil'],
          ].map(([id, name]) => ({
            __typename: 'MemberEdge' as const,
            cursor: id!,
            node: {
              __typename: 'Member' as const,
              role: 'MEMBER' as const,
              joinedAt: new Date(0).toISOString(),
              user: user(id!, name),
            },
          })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    },
  });
  const session = {} as Session;
  const outbox = new Outbox(async () => ({ ok: true }), {
    storage: new MemoryStorage(),
    storageKey: 'chatter.outbox.me',
    keepFailed: true,
  });
  const enqueued = vi.spyOn(outbox, 'enqueue');
  const realtime = new RealtimeSession({
    url: 'ws://unused',
    session,
    client,
    myUserId: 'me',
    viewingConversationId: () => 'c1',
  });
  const services: ChatServices = { session, client, myUserId: 'me', outbox, realtime };
  render(
    <ChatServicesContext.Provider value={services}>
      <ApolloProvider client={client}>{children}</ApolloProvider>
    </ChatServicesContext.Provider>,
  );
  return { enqueued };
}

const type = (box: HTMLTextAreaElement, value: string) => {
  fireEvent.change(box, { target: { value, selectionStart: value.length } });
  box.setSelectionRange(value.length, value.length);
};

describe('mentions in the web app', () => {
  afterEach(cleanup);

  it('the composer suggests members and @all, and sends picked names as tokens', async () => {
    const { enqueued } = setup(
      <Composer
        conversationId="c1"
        replyTo={null}
        editing={null}
        onCancel={vi.fn()}
        onSent={vi.fn()}
      />,
    );
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    type(box, 'hi @a');
    const list = await screen.findByRole('listbox', { name: 'Mention' });
    const options = Array.from(list.querySelectorAll('[role=option]')).map((o) => o.textContent);
    expect(options).toEqual(['@all everyone here', '@Ann Lee']);
    expect(box.getAttribute('aria-controls')).toBe(list.id);
    // Arrow down to Ann, Enter picks her.
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe('mention-option-1');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('hi @Ann Lee ');
    type(box, 'hi @Ann Lee and @b');
    fireEvent.mouseDown(await screen.findByRole('option', { name: '@Bob ‮ evil' }));
    expect(box.value).toBe('hi @Ann Lee and @Bob ‮ evil ');
    type(box, `${box.value}— and @Someone typed by hand`);
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Escape' });
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(enqueued).toHaveBeenCalledWith(
      expect.objectContaining({
        body: `hi <@${ANN}> and <@${BOB}> — and @Someone typed by hand`,
      }),
    );
  });

  it('a bubble shows mentions as names, marks mine, and keeps unknown tokens as text', async () => {
    const stranger = '<@00000000-0000-4000-8000-0000000000ff>';
    const m = {
      ...message('c1', 1, ANN, `<@me> ${stranger} <@${BOB}> @all`),
      mentions: [{ __typename: 'User' as const, id: BOB, name: 'Bob' }],
      mentionsAll: true,
      mentionsMe: true,
    };
    setup(
      <MessageBubble
        message={m}
        mine={false}
        grouped={false}
        showSender
        showAvatar
        highlighted={false}
        onReply={vi.fn()}
        onEdit={vi.fn()}
        onJump={vi.fn()}
      />,
    );
    const bob = await screen.findByText('@Bob');
    expect(bob.className).toContain('mention');
    expect(bob.className).not.toContain('mention--me');
    expect(screen.getByText('@all').className).toContain('mention--me');
    expect(screen.getByRole('listitem').className).toContain('msg--mentions-me');
    expect(screen.getByRole('listitem').textContent).toContain(`<@me> ${stranger}`);
  });
});
