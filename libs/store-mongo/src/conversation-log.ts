import { Injectable } from '@nestjs/common';
import { LoggedEvent, SettledSeqs } from '@chatter/core';
import type { ClientSession, Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { fromLoggedEvent, toLoggedEvent } from './mappers/conversation.mapper';
import { isDuplicateKey } from './mongo-errors';
import { DURABLE_WRITE_CONCERN, readOptions, writeOptions } from './mongo-write';
import {
  CONVERSATION_EVENT_MODEL,
  ConversationEventRecord,
} from './schemas/conversation-event.schema';
import { CONVERSATION_MODEL, ConversationRecord } from './schemas/conversation.schema';
import { MEMBER_MODEL, MemberRecord } from './schemas/member.schema';
import { MESSAGE_MODEL, MessageRecord } from './schemas/message.schema';

/** A write older than this whose entry is recorded but not committed belongs to a dead writer. */
const WRITER_STALE_MS = 10_000;

/*
 * The ordered log of a conversation, and how writes that record in it stay correct without a
 * multi-document transaction.
 *
 * Seqs are reserved by an atomic `$inc` of `lastSeq` on the conversation document (no global
 * lock). Every logged change then follows one order:
 *
 *   1. claim     (only where a key must be unique before a seq is spent: the message's idempotency
 *                 key, a reaction) — a document no read shows yet;
 *   2. reserve   the next seq(s) on the conversation;
 *   3. record    the log entry under that seq (unique on tenant, conversation, seq);
 *   4. commit    one single-document write that applies the change AND stamps the seq on the
 *                changed document — its commit mark:
 *                  MESSAGE_ADDED        message.seq        (a claimed message gets its seq)
 *                  MESSAGE_UPDATED      message.lastUpdateSeq (edit/tombstone set it with the change;
 *                                       reactions are staged with their seq first, then it is raised)
 *                  MEMBERSHIP_CHANGED   member.opSeq       (members are deactivated, never deleted)
 *                  CONVERSATION_CHANGED conversation.titleSeq, .historyVisibilitySeq, .mentionAllSeq or
 *                                       .descriptionSeq (an entry counts as committed once any of
 *                                       them reaches it;
 *                                       it only says "the conversation changed");
 *   5. derived   fields that only order or summarise: the conversation's lastMessageId,
 *                lastActivityAt and memberCount change in the reservation's own atomic write (so
 *                they follow seq order, and lastMessageId may name a message a moment before it
 *                is visible); members' copies of lastActivityAt move forward after the commit.
 *
 * Readers only see an entry once its commit mark reaches it (`listVisible`), and only see claimed
 * or staged documents once committed. So a crash between steps leaves at most a reserved seq whose
 * entry never shows — a hole a client skips — never a change without its entry, never two
 * messages for one idempotency key (the unique claim), and never loses an acknowledged write
 * (every step is written with w:majority, j:true before the call returns). A stale claim is taken
 * over by the next attempt with the same key.
 *
 * Where the server supports transactions (replica set, mongos) the same steps run in one
 * transaction, which also serialises writers of a conversation on its document.
 *
 * A reader that waited in vain for a seq (a stream behind a hole) settles it (`settle`), so that
 * the seq cannot commit after the reader passed it:
 *   - no entry yet: a VOID entry takes the seq under the unique index; the writer's record then
 *     fails as a duplicate and it reserves a later seq (`reserveAndRecord`, reactions' `ensure`);
 *   - a MESSAGE_ADDED entry not committed: the seq is added to the claimed message's `voidSeqs`
 *     unless the message already has its seq; the commit requires the seq not to be there, so
 *     exactly one of the two wins, on one document, and a losing writer reserves a later seq;
 *   - any other entry not committed (its commit mark may be raised by a later change too) stays
 *     pending while its write is recent, and counts as void once it is older than a live writer
 *     can be.
 * VOID entries never show (`listVisible`).
 */

/** Derived fields changed in the same atomic write as a seq reservation. */
export interface Reservation {
  set?: Partial<ConversationRecord>;
  memberCountDelta?: number;
}

/** Appends to and reads conversations' logs; shared by the conversation and message repositories. */
@Injectable()
export class MongoConversationLog {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    @InjectStoreModel(CONVERSATION_MODEL) private readonly conversations: Model<ConversationRecord>,
    @InjectStoreModel(CONVERSATION_EVENT_MODEL)
    private readonly events: Model<ConversationEventRecord>,
    @InjectStoreModel(MESSAGE_MODEL) private readonly messages: Model<MessageRecord>,
    @InjectStoreModel(MEMBER_MODEL) private readonly members: Model<MemberRecord>,
  ) {}

  /**
   * Reserves the next `count` seqs of the conversation; returns the conversation as it is after the
   * reservation (the reserved seqs end at its `lastSeq`), or null when it does not exist. `also`
   * folds derived fields into the same atomic write, so they follow seq order by construction.
   *
   * The `$inc` is atomic across processes. Within this process, reservations of one conversation
   * are queued so a busy conversation does not pile concurrent writes onto one document (which,
   * with transactions, would turn into WriteConflict retries).
   */
  reserve(
    tenantId: string,
    conversationId: string,
    count: number,
    session: ClientSession | undefined,
    also: Reservation = {},
  ): Promise<ConversationRecord | null> {
    const inc: Record<string, number> = { lastSeq: count };
    if (also.memberCountDelta) inc['memberCount'] = also.memberCountDelta;
    return this.queued(`${tenantId}\u0000${conversationId}`, () =>
      this.conversations
        .findOneAndUpdate(
          { _id: conversationId, tenantId },
          { $inc: inc, ...(also.set ? { $set: also.set } : {}) },
          { new: true, ...writeOptions(session) },
        )
        .lean<ConversationRecord>()
        .exec(),
    );
  }

  /**
   * Reserves seqs and records the entries `build` makes for them (`first` is the first reserved
   * seq). Null when the conversation does not exist. Should a seq already hold an entry (a log
   * restored ahead of its counter), the reservation is repeated and the seq stays a hole.
   */
  async reserveAndRecord(
    tenantId: string,
    conversationId: string,
    count: number,
    build: (first: number, reserved: ConversationRecord) => LoggedEvent[],
    session: ClientSession | undefined,
    also: Reservation = {},
  ): Promise<{ reserved: ConversationRecord; entries: LoggedEvent[] } | null> {
    for (let attempt = 1; ; attempt++) {
      const reserved = await this.reserve(tenantId, conversationId, count, session, also);
      if (!reserved) return null;
      const entries = build(reserved.lastSeq - count + 1, reserved);
      try {
        await this.record(tenantId, conversationId, entries, session);
        return { reserved, entries };
      } catch (err) {
        if (session || attempt >= 3 || !isDuplicateKey(err)) throw err;
        // The count moved with the first reservation; the last message follows the new seq.
        also = { set: also.set };
      }
    }
  }

  /** Records entries under seqs reserved by the caller. */
  async record(
    tenantId: string,
    conversationId: string,
    entries: LoggedEvent[],
    session: ClientSession | undefined,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.events.insertMany(
      entries.map((e) => fromLoggedEvent(tenantId, conversationId, e)),
      { ordered: true, ...writeOptions(session) },
    );
  }

  /**
   * Records an entry unless its seq already has one (rolling a stale claim forward). False when
   * a reader voided the seq first: the caller must take a later seq.
   */
  async ensure(
    tenantId: string,
    conversationId: string,
    entry: LoggedEvent,
    session: ClientSession | undefined,
  ): Promise<boolean> {
    try {
      const {
        tenantId: _t,
        conversationId: _c,
        seq: _s,
        ...rest
      } = fromLoggedEvent(tenantId, conversationId, entry);
      await this.events
        .updateOne(
          { tenantId, conversationId, seq: entry.seq },
          { $setOnInsert: rest },
          { upsert: true, ...writeOptions(session) },
        )
        .exec();
    } catch (err) {
      if (!isDuplicateKey(err) || session) throw err;
    }
    const recorded = await this.events
      .findOne({ tenantId, conversationId, seq: entry.seq }, { kind: 1 }, readOptions(session))
      .lean<Pick<ConversationEventRecord, 'kind'>>()
      .exec();
    return recorded?.kind !== 'VOID';
  }

  /**
   * Removes an entry whose change lost a race and was never applied, so it stays a plain hole.
   * Without a transaction only: inside one the whole write is retried instead.
   */
  async discard(tenantId: string, conversationId: string, seq: number): Promise<void> {
    await this.events.deleteOne({ tenantId, conversationId, seq }, writeOptions(undefined)).exec();
  }

  /** Committed entries with seq > afterSeq (of `kinds`, when given) in seq order, at most `limit`. */
  async listVisible(
    tenantId: string,
    conversationId: string,
    afterSeq: number,
    limit: number,
    kinds?: readonly LoggedEvent['kind'][],
  ): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    let cursor = afterSeq;
    while (out.length < limit) {
      const want = limit - out.length;
      const docs = await this.events
        .find({
          tenantId,
          conversationId,
          seq: { $gt: cursor },
          ...(kinds ? { kind: { $in: kinds } } : {}),
        })
        .sort({ seq: 1 })
        .limit(want)
        .lean<ConversationEventRecord[]>()
        .exec();
      if (docs.length === 0) break;
      out.push(...(await this.committed(tenantId, conversationId, docs)).map(toLoggedEvent));
      if (docs.length < want) break;
      cursor = docs[docs.length - 1].seq;
    }
    return out;
  }

  /**
   * Settles the seqs after `afterSeq` up to `upToSeq` (see the comment at the top of this file):
   * returns the committed entries; the other seqs are void for good, except `pending` ones.
   */
  async settle(
    tenantId: string,
    conversationId: string,
    afterSeq: number,
    upToSeq: number,
  ): Promise<SettledSeqs> {
    const conversation = await this.conversations
      .findOne({ _id: conversationId, tenantId }, { lastSeq: 1 })
      .lean<Pick<ConversationRecord, 'lastSeq'>>()
      .exec();
    const upTo = Math.min(upToSeq, conversation?.lastSeq ?? 0);
    if (upTo <= afterSeq) return { entries: [], pending: [] };
    const range = { tenantId, conversationId, seq: { $gt: afterSeq, $lte: upTo } };
    const find = () =>
      this.events.find(range).sort({ seq: 1 }).lean<ConversationEventRecord[]>().exec();
    // 1. Seqs without an entry: void them (a writer recording meanwhile wins the seq instead).
    const present = new Set((await find()).map((d) => d.seq));
    const voids: ConversationEventRecord[] = [];
    for (let seq = afterSeq + 1; seq <= upTo; seq++)
      if (!present.has(seq))
        voids.push({ tenantId, conversationId, seq, kind: 'VOID', at: new Date() });
    if (voids.length > 0) {
      try {
        await this.events.collection.insertMany(voids, {
          ordered: false,
          writeConcern: DURABLE_WRITE_CONCERN,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    // 2. Entries recorded but not committed: stop their commit where that can be done.
    const docs = (await find()).filter((d) => d.kind !== 'VOID');
    const committed = new Set(
      (await this.committed(tenantId, conversationId, docs)).map((d) => d.seq),
    );
    const pending: number[] = [];
    for (const d of docs) {
      if (committed.has(d.seq)) continue;
      if (d.kind === 'MESSAGE_ADDED') {
        const voided = await this.messages
          .updateOne(
            { _id: d.messageId, tenantId, seq: { $exists: false } },
            { $addToSet: { voidSeqs: d.seq } },
            writeOptions(undefined),
          )
          .exec();
        if (voided.matchedCount === 1) continue;
        const message = await this.messages
          .findOne({ _id: d.messageId, tenantId }, { seq: 1 })
          .lean<Pick<MessageRecord, 'seq'>>()
          .exec();
        // Committed meanwhile; otherwise under another seq, or gone: this one stays empty.
        if (message?.seq === d.seq) committed.add(d.seq);
      } else if (Date.now() - d.at.getTime() < WRITER_STALE_MS) {
        pending.push(d.seq);
      }
    }
    return {
      entries: docs.filter((d) => committed.has(d.seq)).map(toLoggedEvent),
      pending,
    };
  }

  /** The entries whose commit mark reaches them (see the comment at the top of this file). */
  private async committed(
    tenantId: string,
    conversationId: string,
    docs: ConversationEventRecord[],
  ): Promise<ConversationEventRecord[]> {
    const messageIds = [...new Set(docs.flatMap((d) => (d.messageId ? [d.messageId] : [])))];
    const userIds = [
      ...new Set(
        docs.flatMap((d) => (d.kind === 'MEMBERSHIP_CHANGED' && d.userId ? [d.userId] : [])),
      ),
    ];
    const needsConversation = docs.some((d) => d.kind === 'CONVERSATION_CHANGED');
    const [messages, members, conversation] = await Promise.all([
      messageIds.length === 0
        ? []
        : this.messages
            .find({ tenantId, _id: { $in: messageIds } }, { seq: 1, lastUpdateSeq: 1 })
            .lean<Pick<MessageRecord, '_id' | 'seq' | 'lastUpdateSeq'>[]>()
            .exec(),
      userIds.length === 0
        ? []
        : this.members
            .find({ tenantId, conversationId, userId: { $in: userIds } }, { userId: 1, opSeq: 1 })
            .lean<Pick<MemberRecord, 'userId' | 'opSeq'>[]>()
            .exec(),
      needsConversation
        ? this.conversations
            .findOne(
              { _id: conversationId, tenantId },
              {
                titleSeq: 1,
                historyVisibilitySeq: 1,
                mentionAllSeq: 1,
                descriptionSeq: 1,
                disappearingSeq: 1,
              },
            )
            .lean<
              Pick<
                ConversationRecord,
                | 'titleSeq'
                | 'historyVisibilitySeq'
                | 'mentionAllSeq'
                | 'descriptionSeq'
                | 'disappearingSeq'
              >
            >()
            .exec()
        : null,
    ]);
    const messageById = new Map(messages.map((m) => [m._id, m]));
    const opSeqByUser = new Map(members.map((m) => [m.userId, m.opSeq ?? 0]));
    return docs.filter((d) => {
      switch (d.kind) {
        case 'VOID':
          return false;
        case 'MESSAGE_ADDED':
          return messageById.get(d.messageId!)?.seq === d.seq;
        case 'MESSAGE_UPDATED':
          return (messageById.get(d.messageId!)?.lastUpdateSeq ?? 0) >= d.seq;
        case 'MEMBERSHIP_CHANGED':
          return (opSeqByUser.get(d.userId!) ?? 0) >= d.seq;
        case 'CONVERSATION_CHANGED':
          return (
            Math.max(
              conversation?.titleSeq ?? 0,
              conversation?.historyVisibilitySeq ?? 0,
              conversation?.mentionAllSeq ?? 0,
              conversation?.descriptionSeq ?? 0,
              conversation?.disappearingSeq ?? 0,
            ) >= d.seq
          );
      }
    });
  }

  /** Runs `work` after the previous work queued under `key` settled. */
  private queued<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  /** Reads the conversation (joining the transaction when there is one). */
  async conversation(
    tenantId: string,
    conversationId: string,
    session: ClientSession | undefined,
  ): Promise<ConversationRecord | null> {
    return this.conversations
      .findOne({ _id: conversationId, tenantId }, null, readOptions(session))
      .lean<ConversationRecord>()
      .exec();
  }
}
