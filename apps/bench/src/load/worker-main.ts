import { createHistogram, encodeHistogram, type Histogram } from '../stats/histogram';
import { ReceiverTracker } from '../stats/seq-tracker';
import { decodeBody, encodeBody, nowUs } from './body';
import { createTargetClient } from './clients/create-target-client';
import type { ConnEvents, ConnHandle, ResumeCursor, TargetClient } from './clients/target-client';
import type {
  ChurnRequest,
  ChurnResult,
  ConnSpec,
  Envelope,
  OpenResult,
  PhaseCollect,
  PhaseProgress,
  PhaseRequest,
  PhaseSendResult,
  WorkerCounters,
  WorkerReply,
  WorkerRequest,
} from './ipc';
import { ScheduleCursor } from './schedule';

/**
 * A load-generator process: holds many client connections, sends its share of
 * each open-loop schedule and scores every delivery it receives. The runner forks
 * several of these and merges what they report.
 */
interface ConnState {
  spec: ConnSpec;
  roomSet: Set<string>;
  handle?: ConnHandle;
  tracker: ReceiverTracker;
  /** Highest server seq seen per room, own messages included: the resume cursor. */
  lastSeq: Map<string, number>;
  events: ConnEvents;
}

interface PhaseStats {
  hist: Histogram;
  unique: number;
  dups: number;
  reordered: number;
  lastDeliveryUs: number;
}

let client: TargetClient | undefined;
let workerId = 0;
let workers = 1;
const conns = new Map<number, ConnState>();
const phases = new Map<number, PhaseStats>();
const counters = {
  own: 0,
  foreign: 0,
  resync: 0,
  subErrors: {} as Record<string, number>,
  unexpectedCloses: {} as Record<string, number>,
};

const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

function phaseStats(id: number): PhaseStats {
  let s = phases.get(id);
  if (!s) {
    s = { hist: createHistogram(), unique: 0, dups: 0, reordered: 0, lastDeliveryUs: 0 };
    phases.set(id, s);
  }
  return s;
}

function makeEvents(state: ConnState): ConnEvents {
  return {
    onDelivery(room, serverSeq, body) {
      const now = nowUs();
      if (serverSeq !== undefined) {
        const prev = state.lastSeq.get(room) ?? -1;
        if (serverSeq > prev) state.lastSeq.set(room, serverSeq);
      }
      const f = decodeBody(body);
      if (!f) {
        counters.foreign++;
        return;
      }
      if (f.senderConn === state.spec.idx) {
        counters.own++;
        return;
      }
      const ps = phaseStats(f.phase);
      // Chatter is keyed by its own (conversation, seq); baselines by the publisher's seq.
      const seq = serverSeq ?? f.publisherSeq;
      if (serverSeq !== undefined && serverSeq < state.tracker.maxSeq(room)) ps.reordered++;
      if (!state.tracker.add(room, seq)) {
        ps.dups++;
        return;
      }
      ps.unique++;
      ps.hist.recordValue(Math.max(1, now - f.scheduledUs));
      ps.lastDeliveryUs = now;
    },
    onResync() {
      counters.resync++;
    },
    onSubError(code) {
      bump(counters.subErrors, code);
    },
    onUnexpectedClose(code) {
      bump(counters.unexpectedCloses, String(code));
    },
  };
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from(
    { length: Math.max(1, Math.min(concurrency, items.length)) },
    async () => {
      while (next < items.length) await fn(items[next++] as T);
    },
  );
  await Promise.all(lanes);
}

/**
 * Opens (or re-opens) connections. With retries, failed ones are tried again after a
 * jittered exponential back-off, as a real client would after a failed reconnect.
 */
async function openConns(specs: ConnSpec[], concurrency: number, retries = 0): Promise<OpenResult> {
  if (!client) throw new Error('not initialized');
  const c = client;
  const result: OpenResult = { opened: 0, failed: [], errors: {}, retried: 0 };
  const openOne = async (spec: ConnSpec): Promise<boolean> => {
    let state = conns.get(spec.idx);
    if (!state) {
      state = {
        spec,
        roomSet: new Set(spec.rooms),
        tracker: new ReceiverTracker(),
        lastSeq: new Map(),
        events: undefined as unknown as ConnEvents,
      };
      state.events = makeEvents(state);
      conns.set(spec.idx, state);
    }
    const s = state;
    // Like Chatter's web client, always resume from a cursor (0 before anything was seen): a
    // subscription without one starts from the store's position whenever the server gets to it,
    // and anything sent in between would never be delivered.
    const since: ResumeCursor[] = spec.rooms.map((r) => ({
      conversationId: r,
      afterSeq: Math.max(0, s.lastSeq.get(r) ?? 0),
    }));
    try {
      s.handle = await c.open(spec, s.events, since);
      result.opened++;
      return true;
    } catch (e) {
      s.handle = undefined;
      bump(result.errors, (e as Error).message.slice(0, 60));
      return false;
    }
  };
  let pending = specs;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      result.retried += pending.length;
      await new Promise((r) =>
        setTimeout(r, Math.min(8000, 500 * 2 ** (attempt - 1)) * (0.5 + Math.random())),
      );
    }
    const failed: ConnSpec[] = [];
    await pool(pending, concurrency, async (spec) => {
      if (!(await openOne(spec))) failed.push(spec);
    });
    pending = failed;
    if (attempt >= retries) break;
  }
  result.failed = pending.map((s) => s.idx);
  return result;
}

function runPhase(req: PhaseRequest): Promise<PhaseSendResult> {
  const { plan, phaseId, roomKeys, receivers, padTo } = req;
  const lag = createHistogram();
  const result: PhaseSendResult = {
    sendOk: 0,
    sendErr: 0,
    errors: {},
    expected: 0,
    sendLag: '',
    lastAckUs: 0,
  };
  const cursor = new ScheduleCursor(plan, (conn) => conn % workers === workerId);
  let inflight = 0;
  phaseStats(phaseId);
  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      result.sendLag = encodeHistogram(lag);
      lag.destroy();
      resolve(result);
    };
    const guard = setTimeout(
      () => {
        result.sendErr += inflight;
        if (inflight > 0)
          result.errors['SEND_TIMEOUT'] = (result.errors['SEND_TIMEOUT'] ?? 0) + inflight;
        finish();
      },
      (plan.total / plan.rate) * 1000 + 60_000,
    );
    const tick = (): void => {
      const now = nowUs();
      for (const ev of cursor.takeDue(now)) {
        lag.recordValue(Math.max(1, now - ev.dueUs));
        const state = conns.get(ev.senderConn);
        const room = roomKeys[ev.room] as string;
        if (!state?.handle) {
          result.sendErr++;
          bump(result.errors, 'SENDER_NOT_CONNECTED');
          continue;
        }
        const body = encodeBody(
          {
            phase: phaseId,
            event: ev.index,
            scheduledUs: ev.dueUs,
            senderConn: ev.senderConn,
            publisherSeq: ev.publisherSeq,
          },
          padTo,
        );
        const selfReceives = state.spec.subscribe && state.roomSet.has(room) ? 1 : 0;
        inflight++;
        void state.handle.send(room, body, `bench-${phaseId}-${ev.index}`).then((err) => {
          inflight--;
          if (err) {
            result.sendErr++;
            bump(result.errors, err);
          } else {
            result.sendOk++;
            result.expected += (receivers[ev.room] ?? 0) - selfReceives;
            result.lastAckUs = nowUs();
          }
          if (cursor.done && inflight === 0) finish();
        });
      }
      if (cursor.done) {
        if (inflight === 0) finish();
        return;
      }
      const waitMs = ((cursor.nextDueUs ?? now) - nowUs()) / 1000;
      if (waitMs <= 0.5) setImmediate(tick);
      else setTimeout(tick, Math.min(waitMs, 20));
    };
    tick();
  });
}

async function churn(req: ChurnRequest): Promise<ChurnResult> {
  if (!client) throw new Error('not initialized');
  const c = client;
  const hist = createHistogram();
  const result: ChurnResult = { cycles: 0, failures: 0, errors: {}, hist: '', elapsedMs: 0 };
  const start = nowUs();
  const deadline = start + req.durationMs * 1000;
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, req.concurrency) }, async () => {
    while (nowUs() < deadline && req.conns.length > 0) {
      const conn = req.conns[next++ % req.conns.length] as ConnSpec;
      const t = nowUs();
      try {
        await c.churnCycle(conn, req.confirm, req.cursors);
        hist.recordValue(Math.max(1, nowUs() - t));
        result.cycles++;
      } catch (e) {
        result.failures++;
        bump(result.errors, (e as Error).message.slice(0, 60));
      }
    }
  });
  await Promise.all(lanes);
  result.elapsedMs = (nowUs() - start) / 1000;
  result.hist = encodeHistogram(hist);
  hist.destroy();
  return result;
}

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  switch (msg.op) {
    case 'init':
      workerId = msg.workerId;
      workers = msg.workers;
      client = createTargetClient(msg.kind, msg.endpoints, msg.httpMaxSockets);
      return { ok: true };
    case 'open':
      return openConns(msg.conns, msg.concurrency, msg.retries);
    case 'phase':
      return runPhase(msg.req);
    case 'progress': {
      const p: PhaseProgress = { unique: {}, lastDeliveryUs: {}, maxLatencyUs: {} };
      for (const [id, s] of phases) {
        p.unique[id] = s.unique;
        p.lastDeliveryUs[id] = s.lastDeliveryUs;
        p.maxLatencyUs[id] = s.hist.totalCount ? s.hist.maxValue : 0;
      }
      return p;
    }
    case 'collect': {
      const s = phaseStats(msg.phaseId);
      const out: PhaseCollect = {
        hist: encodeHistogram(s.hist),
        unique: s.unique,
        dups: s.dups,
        reordered: s.reordered,
        lastDeliveryUs: s.lastDeliveryUs,
      };
      s.hist.destroy();
      phases.delete(msg.phaseId);
      return out;
    }
    case 'drop':
      // The handle stays: HTTP senders keep working while the socket is gone.
      for (const s of conns.values()) if (s.spec.subscribe) s.handle?.terminate();
      return { ok: true };
    case 'counters': {
      const u = process.cpuUsage();
      const out: WorkerCounters = { ...counters, cpuUs: u.user + u.system };
      return out;
    }
    case 'churn':
      return churn(msg.req);
    case 'closeAll':
      for (const s of conns.values()) s.handle?.close();
      conns.clear();
      for (const s of phases.values()) s.hist.destroy();
      phases.clear();
      return { ok: true };
  }
}

process.on('message', (raw: { rid: number; msg: WorkerRequest }) => {
  handle(raw.msg).then(
    (body) => process.send?.({ rid: raw.rid, body } satisfies Envelope<WorkerReply>),
    (e: Error) =>
      process.send?.({ rid: raw.rid, error: e.stack ?? e.message } satisfies Envelope<WorkerReply>),
  );
});
process.on('disconnect', () => process.exit(0));
// A stray rejection in one client must not take down thousands of connections.
process.on('unhandledRejection', (e) =>
  bump(counters.subErrors, `unhandled: ${String((e as Error)?.message ?? e).slice(0, 50)}`),
);
