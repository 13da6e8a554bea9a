import type { SchedulePlan } from './schedule';

export type TargetKind = 'chatter' | 'b0' | 'b1';

/** One server instance the clients talk to. */
export interface Endpoint {
  httpUrl: string;
  wsUrl: string;
}

/** A logical client: one user, optionally one socket subscribed to its rooms. */
export interface ConnSpec {
  idx: number;
  token: string;
  /** Room keys (Chatter conversation ids, baseline room names). */
  rooms: string[];
  /** false = sends only (HTTP for GraphQL targets; an unjoined socket for B0). */
  subscribe: boolean;
  endpoint: number;
  /** Chatter: send mutations as graphql-ws operations on the subscribed socket instead of HTTP. */
  sendOnSocket?: boolean;
}

export interface OpenResult {
  opened: number;
  failed: number[];
  /** Every failed attempt, including those that later succeeded. */
  errors: Record<string, number>;
  retried: number;
}

export interface PhaseRequest {
  phaseId: number;
  plan: SchedulePlan;
  roomKeys: string[];
  /** Subscribed receivers per room index (including the sender when it is one). */
  receivers: number[];
  padTo: number;
}

export interface PhaseSendResult {
  sendOk: number;
  sendErr: number;
  errors: Record<string, number>;
  expected: number;
  sendLag: string;
  lastAckUs: number;
}

export interface PhaseProgress {
  unique: Record<number, number>;
  lastDeliveryUs: Record<number, number>;
  /** Highest latency seen so far per phase: slow servers get a longer drain. */
  maxLatencyUs: Record<number, number>;
}

export interface PhaseCollect {
  hist: string;
  unique: number;
  dups: number;
  reordered: number;
  lastDeliveryUs: number;
}

export interface WorkerCounters {
  own: number;
  foreign: number;
  resync: number;
  subErrors: Record<string, number>;
  unexpectedCloses: Record<string, number>;
  cpuUs: number;
}

export type ChurnConfirm = 'replay' | 'pong' | 'joined';

export interface ChurnRequest {
  durationMs: number;
  concurrency: number;
  conns: ConnSpec[];
  confirm: ChurnConfirm;
  /** For replay confirmation: afterSeq per room key. */
  cursors?: Record<string, number>;
}

export interface ChurnResult {
  cycles: number;
  failures: number;
  errors: Record<string, number>;
  hist: string;
  elapsedMs: number;
}

export type WorkerRequest =
  | {
      op: 'init';
      workerId: number;
      workers: number;
      kind: TargetKind;
      endpoints: Endpoint[];
      httpMaxSockets: number;
    }
  | { op: 'open'; conns: ConnSpec[]; concurrency: number; retries?: number }
  | { op: 'phase'; req: PhaseRequest }
  | { op: 'progress' }
  | { op: 'collect'; phaseId: number }
  | { op: 'drop' }
  | { op: 'counters' }
  | { op: 'churn'; req: ChurnRequest }
  | { op: 'closeAll' };

export type WorkerReply =
  | OpenResult
  | PhaseSendResult
  | PhaseProgress
  | PhaseCollect
  | WorkerCounters
  | ChurnResult
  | { ok: true };

export interface Envelope<T> {
  rid: number;
  body?: T;
  error?: string;
}
