// Files on their way into a message. Each file uploads as soon as it is picked (createUpload,
// the bytes with progress, finalizeUpload); a message waits for all its files, then goes to the
// outbox with their attachment ids. Files picked while offline wait and go out once when the
// network is back. Framework-free so it can be tested without a browser.
import {
  UploadTransportError,
  type RunningUpload,
  type UploadTargetLike,
} from './upload-transport';

export type UploadStatus = 'queued' | 'uploading' | 'finalizing' | 'done' | 'failed';
export type FileKind = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'FILE';

export interface UploadItem {
  id: string;
  conversationId: string;
  file: Blob;
  name: string;
  type: string;
  size: number;
  kind: FileKind;
  status: UploadStatus;
  /** Bytes the browser has handed to the network so far. */
  sent: number;
  attachmentId: string | null;
  error: string | null;
  /** Whether trying the failed file again may work (not for a file the server refuses as such). */
  retryable: boolean;
  /** Set once the message it belongs to was sent by the user; null while still a draft. */
  batchId: string | null;
  /** Length of a recorded voice note, known by the recorder. */
  durationMs: number | null;
}

export interface Batch {
  id: string;
  conversationId: string;
  body: string;
  replyToId: string | null;
}

export interface UploadQueueDeps {
  createUpload(input: {
    conversationId: string;
    fileName: string;
    byteSize: number;
    contentType: string;
  }): Promise<{ attachmentId: string; target: UploadTargetLike }>;
  finalize(attachmentId: string): Promise<void>;
  sendFile(
    file: Blob,
    target: UploadTargetLike,
    onProgress: (sent: number, total: number) => void,
  ): RunningUpload;
  /** Whether an error from createUpload/finalize means "no network" rather than a refusal. */
  isNetworkFailure(error: unknown): boolean;
  describe(error: unknown): string;
  /** Whether a failure may pass on a second try (default: yes). */
  canRetry?(error: unknown): boolean;
  isOnline(): boolean;
  /** Calls back each time the browser comes back online; returns an unsubscribe. */
  onOnline(listener: () => void): () => void;
  enqueueMessage(message: {
    conversationId: string;
    body: string;
    replyToId: string | null;
    attachmentIds: string[];
  }): void;
}

/** At most this many files upload at a time (the API also rate-limits uploads per user). */
export const PARALLEL_UPLOADS = 3;

export function kindOf(type: string): FileKind {
  const top = type.split('/')[0];
  if (top === 'image' && type !== 'image/svg+xml') return 'IMAGE';
  if (top === 'video') return 'VIDEO';
  if (top === 'audio') return 'AUDIO';
  return 'FILE';
}

let counter = 0;
const localId = () => `up-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export class UploadQueue {
  private items: UploadItem[] = [];
  private batches: Batch[] = [];
  private readonly running = new Map<string, RunningUpload>();
  private readonly listeners = new Set<() => void>();
  private readonly stopListening: () => void;

  constructor(private readonly deps: UploadQueueDeps) {
    this.stopListening = deps.onOnline(() => this.pump());
  }

  /** The conversation's files (drafts and those of messages waiting for them), oldest first. */
  list(conversationId: string): UploadItem[] {
    return this.items.filter((i) => i.conversationId === conversationId);
  }

  batchesOf(conversationId: string): Batch[] {
    return this.batches.filter((b) => b.conversationId === conversationId);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(
    conversationId: string,
    files: readonly (Blob & { name?: string })[],
    extra: { durationMs?: number | null } = {},
  ): UploadItem[] {
    const added = files.map((file): UploadItem => ({
      id: localId(),
      conversationId,
      file,
      name: file.name || 'file',
      type: file.type || 'application/octet-stream',
      size: file.size,
      kind: kindOf(file.type),
      status: 'queued',
      sent: 0,
      attachmentId: null,
      error: null,
      retryable: true,
      batchId: null,
      durationMs: extra.durationMs ?? null,
    }));
    this.items = [...this.items, ...added];
    this.emit();
    this.pump();
    return added;
  }

  /** Stops and forgets a file; a message left with nothing to say is dropped too. */
  cancel(id: string): void {
    const item = this.items.find((i) => i.id === id);
    if (!item) return;
    this.running.get(id)?.abort();
    this.running.delete(id);
    this.items = this.items.filter((i) => i.id !== id);
    this.settle();
    this.emit();
    this.pump();
  }

  retry(id: string): void {
    this.patch(id, { status: 'queued', sent: 0, error: null, attachmentId: null });
    this.pump();
  }

  /**
   * Sends the conversation's draft files with `body` as their caption: at once when they are
   * all uploaded, otherwise as soon as they are (only the files `only` names, when given).
   * False when there are no such draft files.
   */
  send(
    conversationId: string,
    message: { body: string; replyToId: string | null },
    only?: readonly string[],
  ): boolean {
    const drafts = this.list(conversationId).filter(
      (i) => i.batchId === null && (!only || only.includes(i.id)),
    );
    if (drafts.length === 0) return false;
    const batch: Batch = { id: localId(), conversationId, ...message };
    this.batches = [...this.batches, batch];
    const ids = new Set(drafts.map((d) => d.id));
    this.items = this.items.map((i) => (ids.has(i.id) ? { ...i, batchId: batch.id } : i));
    this.settle();
    this.emit();
    return true;
  }

  dispose(): void {
    this.stopListening();
    for (const r of this.running.values()) r.abort();
    this.running.clear();
  }

  /** Starts queued files while the browser is online, a few at a time. */
  private pump(): void {
    if (!this.deps.isOnline()) return;
    for (const item of this.items) {
      if (this.running.size >= PARALLEL_UPLOADS) return;
      if (item.status === 'queued' && !this.running.has(item.id)) this.start(item);
    }
  }

  private start(item: UploadItem): void {
    let aborted = false;
    let inner: RunningUpload | null = null;
    const handle: RunningUpload = {
      done: Promise.resolve(),
      abort: () => {
        aborted = true;
        inner?.abort();
      },
    };
    this.running.set(item.id, handle);
    this.patch(item.id, { status: 'uploading', sent: 0, error: null });
    handle.done = (async () => {
      try {
        const { attachmentId, target } = await this.deps.createUpload({
          conversationId: item.conversationId,
          fileName: item.name,
          byteSize: item.size,
          contentType: item.type,
        });
        if (aborted) return;
        this.patch(item.id, { attachmentId });
        inner = this.deps.sendFile(item.file, target, (sent) => this.patch(item.id, { sent }));
        await inner.done;
        if (aborted) return;
        this.patch(item.id, { status: 'finalizing' });
        await this.deps.finalize(attachmentId);
        if (aborted) return;
        this.patch(item.id, { status: 'done', sent: item.size });
      } catch (error) {
        if (aborted) return;
        const offline =
          error instanceof UploadTransportError
            ? error.failure.kind === 'network'
            : this.deps.isNetworkFailure(error);
        if (offline && !this.deps.isOnline()) {
          // Goes out again, once, when the network is back (pump on the online event).
          this.patch(item.id, { status: 'queued', sent: 0, attachmentId: null });
        } else {
          this.patch(item.id, {
            status: 'failed',
            error: this.deps.describe(error),
            retryable: this.deps.canRetry?.(error) ?? true,
          });
        }
      } finally {
        if (this.running.get(item.id) === handle) this.running.delete(item.id);
        this.settle();
        this.emit();
        this.pump();
      }
    })();
  }

  /** Hands every message whose files are all uploaded to the outbox. */
  private settle(): void {
    for (const batch of this.batches) {
      const files = this.items.filter((i) => i.batchId === batch.id);
      if (files.some((f) => f.status !== 'done')) continue;
      this.batches = this.batches.filter((b) => b.id !== batch.id);
      this.items = this.items.filter((i) => i.batchId !== batch.id);
      if (files.length === 0 && !batch.body.trim()) continue;
      this.deps.enqueueMessage({
        conversationId: batch.conversationId,
        body: batch.body,
        replyToId: batch.replyToId,
        attachmentIds: files.map((f) => f.attachmentId!),
      });
    }
  }

  private patch(id: string, change: Partial<UploadItem>): void {
    let changed = false;
    this.items = this.items.map((i) => {
      if (i.id !== id) return i;
      changed = true;
      return { ...i, ...change };
    });
    if (changed) this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
