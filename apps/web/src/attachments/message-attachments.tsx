// A message's files in its bubble: photos and videos as previews (tiny placeholder first, then
// the thumbnail; a photo opens full size), voice notes and audio with a player, other files as
// cards with name, type and size that download.
import { useRef, useState } from 'react';
import { useApolloClient } from '@apollo/client';
import { MessageAttachmentsDocument, type MessageAttachmentFieldsFragment } from '@chatter/client';
import { AttachmentIcon } from './attachment-icons';
import { fileTypeLabel, formatBytes, formatDuration } from './format-file';
import { Lightbox } from './lightbox';
import './attachments.css';

/** Links are signed for a few minutes: older than this, fetch fresh ones before using them. */
const FRESH_MS = 4 * 60_000;

function useFreshLinks(conversationId: string, seq: number) {
  const client = useApolloClient();
  const loadedAt = useRef(Date.now());
  const refreshing = useRef<Promise<void> | null>(null);
  const refresh = () => {
    refreshing.current ??= client
      .query({
        query: MessageAttachmentsDocument,
        variables: { conversationId, before: seq + 1, last: 1 },
        fetchPolicy: 'network-only',
      })
      .then(() => {
        loadedAt.current = Date.now();
      })
      .catch(() => undefined)
      .finally(() => {
        refreshing.current = null;
      });
    return refreshing.current;
  };
  return { stale: () => Date.now() - loadedAt.current > FRESH_MS, refresh };
}

function ratio(a: MessageAttachmentFieldsFragment): string | undefined {
  return a.width && a.height ? `${a.width} / ${a.height}` : undefined;
}

export function MessageAttachments({
  attachments,
  conversationId,
  seq,
}: {
  attachments: readonly MessageAttachmentFieldsFragment[];
  conversationId: string;
  seq: number;
}) {
  const links = useFreshLinks(conversationId, seq);
  const [open, setOpen] = useState<MessageAttachmentFieldsFragment | null>(null);
  const media = attachments.filter((a) => a.kind === 'IMAGE' || a.kind === 'VIDEO');
  const others = attachments.filter((a) => a.kind !== 'IMAGE' && a.kind !== 'VIDEO');
  const retried = useRef(new Set<string>());
  const onBroken = (id: string) => {
    // An expired link: fetch fresh ones once per file.
    if (retried.current.has(id)) return;
    retried.current.add(id);
    void links.refresh();
  };

  return (
    <div className="att">
      {media.length > 0 && (
        <div className={`att-media ${media.length > 1 ? 'att-media--grid' : ''}`}>
          {media.map((a) =>
            a.kind === 'IMAGE' && a.processing ? (
              <span
                key={a.id}
                className="att-photo att-photo--processing"
                role="img"
                aria-label={`Photo ${a.name}, being prepared`}
              >
                <span className="att-photo__status" aria-hidden>
                  Preparing photo…
                </span>
              </span>
            ) : a.kind === 'IMAGE' ? (
              <button
                key={a.id}
                type="button"
                className="att-photo"
                aria-label={`Open photo ${a.name}`}
                style={{
                  aspectRatio: ratio(a),
                  backgroundImage: a.placeholder ? `url("${a.placeholder}")` : undefined,
                }}
                onClick={async () => {
                  if (links.stale()) await links.refresh();
                  setOpen(a);
                }}
              >
                {(a.thumbnailUrl ?? a.url) && (
                  <img
                    src={(a.thumbnailUrl ?? a.url)!}
                    alt={a.name}
                    loading="lazy"
                    width={a.width ?? undefined}
                    height={a.height ?? undefined}
                    onError={() => onBroken(a.id)}
                  />
                )}
              </button>
            ) : (
              <video
                key={a.id}
                className="att-video"
                controls
                preload="metadata"
                src={a.url ?? undefined}
                poster={a.thumbnailUrl ?? a.placeholder ?? undefined}
                style={{ aspectRatio: ratio(a) }}
                aria-label={`Video ${a.name}`}
                onError={() => onBroken(a.id)}
              />
            ),
          )}
        </div>
      )}
      {others.map((a) =>
        a.kind === 'AUDIO' ? (
          <AudioNote key={a.id} attachment={a} onBroken={() => onBroken(a.id)} />
        ) : (
          <a
            key={a.id}
            className="att-file"
            href={a.url ?? undefined}
            download={a.name}
            onClick={async (e) => {
              if (!links.stale()) return;
              e.preventDefault();
              const anchor = e.currentTarget;
              await links.refresh();
              anchor.click();
            }}
          >
            <span className="att-file__icon" aria-hidden>
              <AttachmentIcon name="file" size={22} />
            </span>
            <span className="att-file__text">
              <span className="att-file__name">
                <span className="visually-hidden">Download </span>
                {a.name}
              </span>
              <span className="att-file__meta">
                {fileTypeLabel(a.type, a.name)} · {formatBytes(a.size)}
              </span>
            </span>
            <AttachmentIcon name="download" size={18} />
          </a>
        ),
      )}
      {open && open.url && (
        <Lightbox
          src={attachments.find((a) => a.id === open.id)?.url ?? open.url}
          name={open.name}
          width={open.width ?? null}
          height={open.height ?? null}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  );
}

function AudioNote({
  attachment: a,
  onBroken,
}: {
  attachment: MessageAttachmentFieldsFragment;
  onBroken: () => void;
}) {
  // The server measures the file after upload (a recorded WebM has no length in its header, so
  // the player knows it only once played through); the player's figure wins once it has one.
  const [measured, setMeasured] = useState<number | null>(null);
  const voice = /^voice-note-/.test(a.name);
  const label = voice ? 'Voice note' : a.name;
  const duration = formatDuration(measured ?? a.duration);
  return (
    <div className="att-audio">
      <span className="att-audio__label">
        <AttachmentIcon name="mic" size={16} />
        <span>{label}</span>
        {duration && <span className="att-audio__duration">{duration}</span>}
      </span>
      <audio
        controls
        preload="metadata"
        src={a.url ?? undefined}
        aria-label={`${label}${duration ? `, ${duration}` : ''}`}
        onLoadedMetadata={(e) => {
          const d = e.currentTarget.duration;
          if (Number.isFinite(d)) setMeasured(d);
        }}
        onDurationChange={(e) => {
          const d = e.currentTarget.duration;
          if (Number.isFinite(d)) setMeasured(d);
        }}
        onError={onBroken}
      />
    </div>
  );
}
