// A message's link preview card: a safe link, text as text, our own image, removal by the sender.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { RemoveLinkPreviewDocument, type LinkPreviewFieldsFragment } from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { LinkPreviewCard, safeHref } from './link-preview-card';

const preview = (patch: Partial<LinkPreviewFieldsFragment> = {}): LinkPreviewFieldsFragment => ({
  __typename: 'LinkPreview',
  url: 'https://example.com/notes',
  title: 'Release <b>notes</b> $&',
  description: 'What changed',
  siteName: 'Example',
  image: {
    __typename: 'Attachment',
    id: 'a1',
    width: 1200,
    height: 630,
    url: '/files/download/t/preview.png',
    thumbnailUrl: '/files/thumbnail/t',
    processing: false,
  },
  ...patch,
});

function renderCard(p: LinkPreviewFieldsFragment, mine: boolean, mocks: MockedResponse[] = []) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <LinkPreviewCard preview={p} messageId="m1" mine={mine} />
    </MockedProvider>,
  );
}

describe('LinkPreviewCard', () => {
  afterEach(cleanup);

  it('links to the page in a new tab, shows text as text and the image from our origin', () => {
    renderCard(preview(), false);
    const link = screen.getByRole('link');
    expect(link.getAttribute('href')).toBe('https://example.com/notes');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(screen.getByText('Release <b>notes</b> $&')).toBeTruthy();
    expect(document.querySelector('b')).toBeNull();
    expect(document.querySelector('img')?.getAttribute('src')).toBe('/files/thumbnail/t');
    expect(screen.queryByRole('button', { name: 'Remove link preview' })).toBeNull();
  });

  it('falls back to the host without a site name, and shows no image while processing', () => {
    renderCard(
      preview({ siteName: null, image: { ...preview().image!, processing: true } }),
      false,
    );
    expect(screen.getByText('example.com')).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });

  it('renders nothing for a non-http address', () => {
    renderCard(preview({ url: 'javascript:alert(1)' }), true);
    expect(screen.queryByTestId('link-preview')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref('http://example.com')).toBe('http://example.com/');
  });

  it('lets the sender remove it', async () => {
    const removed = vi.fn(() => ({
      data: { removeLinkPreview: null },
    }));
    renderCard(preview(), true, [
      {
        request: { query: RemoveLinkPreviewDocument, variables: { messageId: 'm1' } },
        result: removed,
      },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove link preview' }));
    await waitFor(() => expect(removed).toHaveBeenCalled());
  });
});
