// A photo at full size over the page: Escape, the close button or a click outside closes it,
// and focus goes back to what opened it.
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { AttachmentIcon } from './attachment-icons';

export function Lightbox({
  src,
  name,
  width,
  height,
  onClose,
}: {
  src: string;
  name: string;
  width: number | null;
  height: number | null;
  onClose: () => void;
}) {
  const closeButton = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    closeButton.current?.focus();
    return () => opener?.focus();
  }, []);

  return createPortal(
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={name}
      ref={dialog}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        } else if (e.key === 'Tab') {
          // Keep focus inside the dialog.
          const items = [
            ...(dialog.current?.querySelectorAll<HTMLElement>('a[href], button') ?? []),
          ];
          const i = items.indexOf(document.activeElement as HTMLElement);
          const next = items[(i + (e.shiftKey ? -1 : 1) + items.length) % items.length];
          e.preventDefault();
          next?.focus();
        }
      }}
    >
      <div className="lightbox__bar">
        <span className="lightbox__name">{name}</span>
        <a
          className="icon-button lightbox__button"
          href={src}
          download={name}
          aria-label="Download"
        >
          <AttachmentIcon name="download" />
        </a>
        <button
          type="button"
          ref={closeButton}
          className="icon-button lightbox__button"
          aria-label="Close"
          onClick={onClose}
        >
          <AttachmentIcon name="close" />
        </button>
      </div>
      <img
        className="lightbox__image"
        src={src}
        alt={name}
        width={width ?? undefined}
        height={height ?? undefined}
      />
    </div>,
    document.body,
  );
}
