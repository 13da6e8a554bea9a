import { ConversationId, MessageId, TenantId, UserId } from '../shared/ids';

/**
 * Work the notifications context does later or elsewhere. CHECK: when the delay is up, decide
 * again (stillNotify) and fan out to devices. SEND: deliver one notification to one device.
 * TEST: a test notification to one device. DIGEST: an e-mail digest of unread conversations.
 */
export type NotificationJob =
  | {
      kind: 'CHECK';
      tenantId: TenantId;
      conversationId: ConversationId;
      messageId: MessageId;
      messageSeq: number;
      recipientId: UserId;
      mention: boolean;
      triggeredAt: string;
    }
  | {
      kind: 'SEND';
      tenantId: TenantId;
      conversationId: ConversationId;
      messageId: MessageId;
      recipientId: UserId;
      deviceId: string;
      mention: boolean;
      /** The recipient's unread count for the app badge, counted once when the CHECK ran. */
      badge?: number;
    }
  | { kind: 'TEST'; tenantId: TenantId; recipientId: UserId; deviceId: string; sentAt: string }
  /** An e-mail digest of the recipient's unread conversations, due at `dueAt`. */
  | { kind: 'DIGEST'; tenantId: TenantId; recipientId: UserId; dueAt: string };

/** What a handler reports: done, or retry later (the queue applies the backoff). */
export type JobResult = 'DONE' | 'RETRY';

export type JobHandler = (job: NotificationJob, attempt: number) => Promise<JobResult>;

/**
 * A work queue with delays, retries with exponential backoff and at most one delivery per job id
 * at a time: in-process when embedded, NATS JetStream in a cluster (each job is handled by one
 * instance, and redelivered to another if that one dies before acknowledging it).
 */
export abstract class NotificationQueue {
  /** Adds a job due at `notBefore`; a job id already pending is not added twice. */
  abstract enqueue(id: string, job: NotificationJob, notBefore: Date): Promise<void>;
  /** Starts handing due jobs to `handler` (once per process). */
  abstract consume(handler: JobHandler): void;
  abstract close(): Promise<void>;
}

/** Delay before retry `attempt` (1-based): 2 s, 4 s, 8 s … capped at 5 minutes. */
export const retryDelayMs = (attempt: number): number =>
  Math.min(300_000, 2_000 * 2 ** Math.max(0, attempt - 1));

/** Attempts after which a job is given up (logged as dead). */
export const MAX_JOB_ATTEMPTS = 6;
