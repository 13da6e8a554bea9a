// The preview of a message's first link: site, title, description and the page image (served by
// Chatter as an attachment, never loaded from the third-party site). The sender can remove it.
import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { RemoveLinkPreviewDocument, type LinkPreviewFieldsFragment } from '@chatter/client';
import './link-previews.css';

/** Only http(s) addresses become links (the server checks too). */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function LinkPreviewCard({
  preview,
  messageId,
  mine,
}: {
  preview: LinkPreviewFieldsFragment;
  messageId: string;
  mine: boolean;
}) {
  const [removeLinkPreview, { loading }] = useMutation(RemoveLinkPreviewDocument);
  const [imageBroken, setImageBroken] = useState(false);
  const href = safeHref(preview.url);
  if (!href) return null;
  const host = new URL(href).host;
  const image = preview.image && !preview.image.processing && !imageBroken ? preview.image : null;
  const imageUrl = image ? (image.thumbnailUrl ?? image.url) : null;
  return (
    <div className="link-preview" data-testid="link-preview">
      <a
        className="link-preview__link"
        href={href}
        target="_blank"
        rel="noopener noreferrer nofollow ugc"
      >
        {imageUrl ? (
          <img
            className="link-preview__image"
            src={imageUrl}
            alt=""
            loading="lazy"
            style={
              image?.width && image.height
                ? { aspectRatio: `${image.width} / ${image.height}` }
                : undefined
            }
            onError={() => setImageBroken(true)}
          />
        ) : null}
        <span className="link-preview__text">
          <span className="link-preview__site">{preview.siteName ?? host}</span>
          {preview.title ? <span className="link-preview__title">{preview.title}</span> : null}
          {preview.description ? (
            <span className="link-preview__description">{preview.description}</span>
          ) : null}
        </span>
      </a>
      {mine ? (
        <button
          type="button"
          className="link-preview__remove"
          aria-label="Remove link preview"
          title="Remove preview"
          disabled={loading}
          onClick={() =>
            void removeLinkPreview({ variables: { messageId } }).catch(() =>
              window.alert('Could not remove the preview. Try again.'),
            )
          }
        >
          ×
        </button>
      ) : null}
    </div>
  );
}
