// The message-request banner: Accept consents (the cached conversation stops being a request),
// Decline archives it and leaves the conversation, Block declines and blocks.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import {
  AcceptMessageRequestDocument,
  ConversationFieldsFragmentDoc,
  DeclineMessageRequestDocument,
  type ConversationFieldsFragment,
} from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { conversation, user } from '../test/fixtures';
import { MessageRequestBanner } from './message-request-banner';

const request = conversation('dm1', 2, {
  isMessageRequest: true,
  otherUser: { ...user('eve', 'Eve'), isContact: false },
});

function renderBanner(mocks: MockedResponse[]) {
  const cache = createCache();
  cache.writeFragment({
    id: cache.identify(request),
    fragment: ConversationFieldsFragmentDoc,
    fragmentName: 'ConversationFields',
    data: request,
  });
  render(
    <MockedProvider mocks={mocks} cache={cache}>
      <MessageRequestBanner conversationId="dm1" name="Eve" />
    </MockedProvider>,
  );
  const cached = () =>
    cache.readFragment<ConversationFieldsFragment>({
      id: cache.identify(request),
      fragment: ConversationFieldsFragmentDoc,
      fragmentName: 'ConversationFields',
    });
  return { cached };
}

describe('MessageRequestBanner', () => {
  afterEach(() => {
    cleanup();
    window.location.hash = '';
  });

  it('says what the sender cannot see, and Accept turns the conversation into a normal one', async () => {
    const { cached } = renderBanner([
      {
        request: { query: AcceptMessageRequestDocument, variables: { conversationId: 'dm1' } },
        result: { data: { acceptMessageRequest: { ...request, isMessageRequest: false } } },
      },
    ]);
    expect(screen.getByRole('region', { name: 'Message request' }).textContent).toContain(
      'cannot see your phone number',
    );
    expect(cached()?.isMessageRequest).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    await waitFor(() => expect(cached()?.isMessageRequest).toBe(false));
  });

  it('Decline archives the request and goes back to the chat list', async () => {
    window.location.hash = '#/c/dm1';
    const { cached } = renderBanner([
      {
        request: {
          query: DeclineMessageRequestDocument,
          variables: { conversationId: 'dm1', block: false },
        },
        result: { data: { declineMessageRequest: { ...request, archived: true } } },
      },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    await waitFor(() => expect(cached()?.archived).toBe(true));
    await waitFor(() => expect(window.location.hash).toBe('#/'));
  });

  it('Block declines with block: true and stays, showing the user as blocked', async () => {
    window.location.hash = '#/c/dm1';
    const blocked = {
      ...request,
      archived: true,
      otherUser: { ...request.otherUser!, isBlocked: true },
    };
    const { cached } = renderBanner([
      {
        request: {
          query: DeclineMessageRequestDocument,
          variables: { conversationId: 'dm1', block: true },
        },
        result: { data: { declineMessageRequest: blocked } },
      },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(cached()?.otherUser?.isBlocked).toBe(true));
    expect(window.location.hash).toBe('#/c/dm1');
  });

  it('shows an error and keeps the buttons when the server refuses', async () => {
    renderBanner([
      {
        request: { query: AcceptMessageRequestDocument, variables: { conversationId: 'dm1' } },
        result: {
          errors: [{ message: 'unblock this user first', extensions: { code: 'BLOCKED' } }],
        },
      },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect((await screen.findByRole('alert')).textContent).toContain('did not work');
    expect((screen.getByRole('button', { name: 'Accept' }) as HTMLButtonElement).disabled).toBe(
      false,
    );
  });
});
