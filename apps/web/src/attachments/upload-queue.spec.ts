import { describe, expect, it } from 'vitest';
import { PARALLEL_UPLOADS, UploadQueue, kindOf, type UploadQueueDeps } from './upload-queue';
import { UploadTransportError, type RunningUpload } from './upload-transport';

/** Deps whose uploads finish when the test says so. */
function harness() {
  let online = true;
  const onlineListeners = new Set<() => void>();
  const transfers: {
    name: string;
    progress: (sent: number, total: number) => void;
    finish: () => void;
    fail: (e: unknown) => void;
    aborted: boolean;
  }[] = [];
  const created: string[] = [];
  const sent: Parameters<UploadQueueDeps['enqueueMessage']>[0][] = [];
  let refuseFinalize: string | null = null;
  const deps: UploadQueueDeps = {
    async createUpload(input) {
      if (!online) throw new Error('offline');
      created.push(input.fileName);
      return {
        attachmentId: `att-${input.fileName}-${created.length}`,
        target: { method: 'PUT', url: '/files/upload/t', fields: [] },
      };
    },
    async finalize(id) {
      if (refuseFinalize && id.includes(refuseFinalize)) throw new Error('FILE_TYPE_REFUSED');
    },
    sendFile(file, _target, onProgress): RunningUpload {
      let finish!: () => void;
      let fail!: (e: unknown) => void;
      const done = new Promise<void>((ok, ko) => {
        finish = ok;
        fail = ko;
      });
      const t = {
        name: (file as File).name,
        progress: onProgress,
        finish,
        fail,
        aborted: false,
      };
      transfers.push(t);
      return {
        done,
        abort: () => {
          t.aborted = true;
          fail(new UploadTransportError({ kind: 'aborted' }));
        },
      };
    },
    isNetworkFailure: (e) => e instanceof Error && e.message === 'offline',
    describe: (e) => (e as Error).message,
    canRetry: (e) => (e as Error).message !== 'FILE_TYPE_REFUSED',
    isOnline: () => online,
    onOnline(listener) {
      onlineListeners.add(listener);
      return () => onlineListeners.delete(listener);
    },
    enqueueMessage: (m) => sent.push(m),
  };
  const queue = new UploadQueue(deps);
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    queue,
    transfers,
    created,
    sent,
    settle,
    refuse: (name: string) => (refuseFinalize = name),
    goOffline: () => (online = false),
    goOnline: () => {
      online = true;
      for (const l of onlineListeners) l();
    },
  };
}

const file = (name: string, type = 'image/png', size = 100) =>
  new File([new Uint8Array(size)], name, { type });

describe('UploadQueue', () => {
  it('uploads a few files at a time with progress, and sends the message once all are done', async () => {
    const h = harness();
    h.queue.add('c1', [
      file('a.png'),
      file('b.png'),
      file('c.pdf', 'application/pdf'),
      file('d.png'),
    ]);
    await h.settle();
    expect(h.transfers.map((t) => t.name)).toEqual(['a.png', 'b.png', 'c.pdf']);
    expect(h.transfers).toHaveLength(PARALLEL_UPLOADS);
    h.transfers[0]!.progress(40, 100);
    expect(h.queue.list('c1')[0]).toMatchObject({ status: 'uploading', sent: 40 });

    expect(h.queue.send('c1', { body: 'caption', replyToId: null })).toBe(true);
    for (const t of h.transfers.slice(0, 3)) t.finish();
    await h.settle();
    expect(h.sent).toEqual([]); // d.png is still uploading
    expect(h.transfers.map((t) => t.name)).toContain('d.png');
    h.transfers[3]!.finish();
    await h.settle();
    expect(h.sent).toEqual([
      {
        conversationId: 'c1',
        body: 'caption',
        replyToId: null,
        attachmentIds: ['att-a.png-1', 'att-b.png-2', 'att-c.pdf-3', 'att-d.png-4'],
      },
    ]);
    expect(h.queue.list('c1')).toEqual([]);
  });

  it('cancels a file (aborting its transfer) and retries one that failed', async () => {
    const h = harness();
    const [a, b] = h.queue.add('c1', [file('a.png'), file('b.png')]);
    await h.settle();
    h.queue.cancel(a!.id);
    expect(h.transfers[0]!.aborted).toBe(true);
    h.transfers[1]!.fail(
      new UploadTransportError({ kind: 'refused', status: 500, code: null, message: 'boom' }),
    );
    await h.settle();
    expect(h.queue.list('c1')).toMatchObject([
      { id: b!.id, status: 'failed', error: 'boom', retryable: true },
    ]);
    h.queue.retry(b!.id);
    await h.settle();
    expect(h.queue.list('c1')[0]!.status).toBe('uploading');
    h.transfers[2]!.finish();
    await h.settle();
    expect(h.queue.list('c1')[0]!.status).toBe('done');
    h.queue.send('c1', { body: '', replyToId: 'r1' });
    expect(h.sent).toEqual([
      { conversationId: 'c1', body: '', replyToId: 'r1', attachmentIds: ['att-b.png-3'] }, // a retry starts a fresh upload
    ]);
  });

  it('keeps a refused file visible as failed, and its message waiting', async () => {
    const h = harness();
    h.refuse('evil');
    h.queue.add('c1', [file('evil.png')]);
    await h.settle();
    h.queue.send('c1', { body: 'look', replyToId: null });
    h.transfers[0]!.finish();
    await h.settle();
    expect(h.queue.list('c1')[0]).toMatchObject({
      status: 'failed',
      error: 'FILE_TYPE_REFUSED',
      retryable: false,
    });
    expect(h.sent).toEqual([]);
    // Removing the file sends the caption alone.
    h.queue.cancel(h.queue.list('c1')[0]!.id);
    expect(h.sent).toEqual([
      { conversationId: 'c1', body: 'look', replyToId: null, attachmentIds: [] },
    ]);
  });

  it('holds files picked offline and sends each once when the network is back', async () => {
    const h = harness();
    h.goOffline();
    h.queue.add('c1', [file('a.png'), file('b.png')]);
    h.queue.send('c1', { body: 'later', replyToId: null });
    await h.settle();
    expect(h.created).toEqual([]);
    expect(h.queue.list('c1').map((i) => i.status)).toEqual(['queued', 'queued']);
    h.goOnline();
    h.goOnline(); // a second online event starts nothing twice
    await h.settle();
    expect(h.created).toEqual(['a.png', 'b.png']);
    // The connection drops mid-upload while offline: back to the queue, not failed.
    h.goOffline();
    h.transfers[0]!.fail(new UploadTransportError({ kind: 'network' }));
    h.transfers[1]!.finish();
    await h.settle();
    expect(h.queue.list('c1').map((i) => i.status)).toEqual(['queued', 'done']);
    h.goOnline();
    await h.settle();
    h.transfers[2]!.finish();
    await h.settle();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.attachmentIds).toEqual(['att-a.png-3', 'att-b.png-2']);
  });

  it('sends a voice note alone, leaving other draft files in the draft', async () => {
    const h = harness();
    const [photo] = h.queue.add('c1', [file('a.png')]);
    const [note] = h.queue.add('c1', [file('voice-note.webm', 'audio/webm')], { durationMs: 1500 });
    expect(note!.durationMs).toBe(1500);
    h.queue.send('c1', { body: '', replyToId: null }, [note!.id]);
    await h.settle();
    for (const t of h.transfers) t.finish();
    await h.settle();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.attachmentIds).toEqual(['att-voice-note.webm-2']);
    expect(h.queue.list('c1').map((i) => i.id)).toEqual([photo!.id]);
  });

  it('classifies files by type; SVG is a file, never an image', () => {
    expect(kindOf('image/jpeg')).toBe('IMAGE');
    expect(kindOf('image/svg+xml')).toBe('FILE');
    expect(kindOf('video/mp4')).toBe('VIDEO');
    expect(kindOf('audio/webm')).toBe('AUDIO');
    expect(kindOf('')).toBe('FILE');
  });
});
