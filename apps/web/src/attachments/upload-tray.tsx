// The files waiting under the writing box: name, size, a progress bar, cancel and retry.
import { useEffect, useMemo } from 'react';
import type { UploadItem, UploadQueue } from './upload-queue';
import { AttachmentIcon } from './attachment-icons';
import { fileTypeLabel, formatBytes, formatDuration } from './format-file';
import './attachments.css';

function statusText(item: UploadItem, online: boolean): string {
  switch (item.status) {
    case 'queued':
      return online ? 'Waiting' : 'Waiting for network';
    case 'uploading':
      return `${Math.floor((item.sent / Math.max(item.size, 1)) * 100)}%`;
    case 'finalizing':
      return 'Checking';
    case 'done':
      return item.batchId ? 'Sending' : 'Ready';
    case 'failed':
      return item.error ?? 'Failed';
  }
}

function Preview({ item }: { item: UploadItem }) {
  const url = useMemo(
    () => (item.kind === 'IMAGE' ? URL.createObjectURL(item.file) : null),
    [item.file, item.kind],
  );
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  if (url) return <img className="upload__thumb" src={url} alt="" />;
  return (
    <span className="upload__thumb upload__thumb--icon" aria-hidden>
      <AttachmentIcon name={item.kind === 'AUDIO' ? 'mic' : 'file'} size={20} />
    </span>
  );
}

export function UploadTray({ queue, items }: { queue: UploadQueue; items: UploadItem[] }) {
  if (items.length === 0) return null;
  const online = typeof navigator === 'undefined' || navigator.onLine;
  return (
    <ul className="uploads" aria-label="Attachments">
      {items.map((item) => {
        const percent =
          item.status === 'done' || item.status === 'finalizing'
            ? 100
            : Math.floor((item.sent / Math.max(item.size, 1)) * 100);
        const label = item.kind === 'AUDIO' && item.durationMs ? 'Voice note' : item.name;
        return (
          <li key={item.id} className={`upload upload--${item.status}`} data-status={item.status}>
            <Preview item={item} />
            <span className="upload__text">
              <span className="upload__name" title={item.name}>
                {label}
              </span>
              <span className="upload__meta">
                {[
                  fileTypeLabel(item.type, item.name),
                  formatBytes(item.size),
                  item.durationMs ? formatDuration(item.durationMs / 1000) : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
                {' · '}
                <span role={item.status === 'failed' ? 'alert' : undefined}>
                  {statusText(item, online)}
                </span>
              </span>
              <progress
                className="upload__bar"
                max={100}
                value={percent}
                aria-label={`Upload of ${label}`}
              />
            </span>
            {item.status === 'failed' && item.retryable && (
              <button
                type="button"
                className="icon-button icon-button--small"
                aria-label={`Retry ${label}`}
                onClick={() => queue.retry(item.id)}
              >
                <AttachmentIcon name="retry" size={16} />
              </button>
            )}
            <button
              type="button"
              className="icon-button icon-button--small"
              aria-label={item.status === 'done' ? `Remove ${label}` : `Cancel ${label}`}
              onClick={() => queue.cancel(item.id)}
            >
              <AttachmentIcon name="close" size={16} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
