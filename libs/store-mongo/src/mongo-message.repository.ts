import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  fileNameTerms,
  ConversationId,
  DomainError,
  ExpiredMessageRef,
  LoggedEvent,
  MentionSet,
  Message,
  MessageId,
  MessageMutation,
  MessageRepository,
  NewMessage,
  ReactionSummary,
  SearchHit,
  SeqRange,
  TenantId,
  NO_MENTIONS,
  UserId,
  addedMentions,
  foldForSearch,
  matchesAll,
  notFound,
  parseSearchQuery,
  relevance,
  requiredTokens,
  unionMentions,
} from '@chatter/core';
import { MAX_THREAD_PARTICIPANTS } from '@chatter/core';
import type { ThreadSummaryRow } from '@chatter/core';
import { Types } from 'mongoose';
import type { ClientSession, Model } from 'mongoose';
import { MongoConversationLog } from './conversation-log';
import { InjectStoreModel } from './inject-store-model';
import { searchTokensOf, toMessage, toMessageClaim } from './mappers/message.mapper';
import { isDuplicateKey } from './mongo-errors';
import { hasRoom } from './mongo-pagination';
import { MongoTransactions } from './mongo-transactions';
import { readOptions, writeOptions } from './mongo-write';
import { MEMBER_MODEL, MemberRecord } from './schemas/member.schema';
import { ATTACHMENT_MODEL, AttachmentRecord } from './schemas/attachment.schema';
import {
  MESSAGE_MODEL,
  MessageRecord,
  REACTION_MODEL,
  ReactionRecord,
} from './schemas/message.schema';

/** A claim older than this belongs to a writer that died; the next attempt completes it. */
export const CLAIM_STALE_MS = 10_000;
/** How many seqs an append tries when readers keep voiding them before it commits. */
const MAX_VOIDED_ATTEMPTS = 5;
/** How long an append waits for a concurrent append of the same key before answering UNAVAILABLE. */
const CLAIM_WAIT_MS = 3_000;

/** Messages that exist for readers: claims have no seq yet. */
const COMMITTED = { seq: { $gt: 0 } } as const;

/**
 * Candidates a search reads at most (newest first) before ranking them: the token index narrows
 * by every term, the folded text decides, and relevance is scored here (a standard deployment has
 * no ranking engine for this; see docs/search.md for what Atlas Search would add).
 */
const MAX_SEARCH_CANDIDATES = 2000;

type ReactionDoc = ReactionRecord & { _id: Types.ObjectId };
type AppendResult = { message: Message; event: LoggedEvent | null; created: boolean };

const isStale = (claimedAt: Date | undefined): boolean =>
  Date.now() - (claimedAt?.getTime() ?? 0) > CLAIM_STALE_MS;

/**
 * Where a reaction stands for readers, given its message's commit mark `mark` (lastUpdateSeq):
 * `present` once its add is committed, `removed` once its removal is, otherwise still `adding`.
 */
const reactionState = (r: ReactionRecord, mark: number): 'adding' | 'present' | 'removed' => {
  if (r.removedSeq !== undefined && r.removedSeq !== null && r.removedSeq <= mark) return 'removed';
  if (r.seq !== undefined && r.seq !== null && r.seq <= mark) return 'present';
  return 'adding';
};

/** File-name hits considered per search (the newest); text hits are read as candidates below. */
const MAX_FILE_NAME_HITS = 500;
/** Most replies read to name a thread's participants. */
const MAX_PARTICIPANT_SCAN = 500;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Messages, reactions and their log entries. Write ordering: see `conversation-log.ts`. */
@Injectable()
export class MongoMessageRepository extends MessageRepository {
  constructor(
    @InjectStoreModel(MESSAGE_MODEL) private readonly messages: Model<MessageRecord>,
    @InjectStoreModel(REACTION_MODEL) private readonly reactionDocs: Model<ReactionRecord>,
    @InjectStoreModel(MEMBER_MODEL) private readonly members: Model<MemberRecord>,
    private readonly log: MongoConversationLog,
    private readonly tx: MongoTransactions,
    @InjectStoreModel(ATTACHMENT_MODEL) private readonly attachments: Model<AttachmentRecord>,
  ) {
    super();
  }

  override async append(input: NewMessage): Promise<AppendResult> {
    const claim = toMessageClaim(input, new Date());
    try {
      // The claim takes the idempotency key before any seq is spent; a retry lands in the catch.
      await this.messages.insertMany([claim], writeOptions(undefined));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const key = {
        tenantId: input.tenantId,
        senderId: input.senderId,
        clientMessageId: input.clientMessageId,
      };
      const existing = await this.messages.findOne(key).lean<MessageRecord>().exec();
      if (existing) return this.resolveExisting(existing);
      throw new DomainError('CONFLICT', 'message already exists');
    }
    try {
      return await this.completeClaim(claim);
    } catch (err) {
      // Let the client's retry complete the claim at once instead of waiting for it to go stale.
      await this.release(
        this.messages,
        { _id: claim._id, seq: { $exists: false } },
        { claimedAt: new Date(0) },
      );
      throw err;
    }
  }

  override async findById(tenantId: TenantId, id: MessageId): Promise<Message | null> {
    const r = await this.messages
      .findOne({ _id: id, tenantId, ...COMMITTED })
      .lean<MessageRecord>()
      .exec();
    return r ? toMessage(r) : null;
  }

  override async listLiveIdsBySender(
    tenantId: TenantId,
    senderId: UserId,
    limit: number,
  ): Promise<MessageId[]> {
    // MongoDB reads a limit of 0 as "no limit".
    if (!(limit >= 1)) return [];
    const rs = await this.messages
      .find({ tenantId, senderId, deletedAt: null, ...COMMITTED }, { _id: 1 })
      .limit(Math.max(0, Math.trunc(limit)))
      .lean<{ _id: string }[]>()
      .exec();
    return rs.map((r) => r._id);
  }

  override async listLiveIdsCreatedBefore(
    tenantId: TenantId,
    before: Date,
    limit: number,
  ): Promise<MessageId[]> {
    if (!(limit >= 1)) return [];
    const rs = await this.messages
      .find({ tenantId, deletedAt: null, createdAt: { $lt: before }, ...COMMITTED }, { _id: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .limit(Math.trunc(limit))
      .lean<{ _id: string }[]>()
      .exec();
    return rs.map((r) => r._id);
  }

  override async findByIds(tenantId: TenantId, ids: readonly MessageId[]): Promise<Message[]> {
    if (ids.length === 0) return [];
    const rs = await this.messages
      .find({ tenantId, _id: { $in: [...ids] }, ...COMMITTED })
      .lean<MessageRecord[]>()
      .exec();
    return rs.map(toMessage);
  }

  override async listBySeq(
    tenantId: TenantId,
    conversationId: ConversationId,
    range: SeqRange,
  ): Promise<Message[]> {
    if (!hasRoom(range.limit)) return [];
    const seq: { $gt: number; $lt?: number } = { $gt: Math.max(range.afterSeq ?? 0, 0) };
    if (range.beforeSeq !== undefined) seq.$lt = range.beforeSeq;
    const thread =
      range.threadRootId === undefined
        ? {}
        : { threadRootId: range.threadRootId === null ? null : range.threadRootId };
    const rs = await this.messages
      .find({ tenantId, conversationId, seq, ...thread })
      .sort({ seq: range.direction === 'forward' ? 1 : -1 })
      .limit(range.limit)
      .lean<MessageRecord[]>()
      .exec();
    return rs.map(toMessage);
  }

  override async edit(
    tenantId: TenantId,
    id: MessageId,
    body: string,
    mentions: MentionSet,
    at: Date,
  ): Promise<MessageMutation | null> {
    return this.tx.run(async (session) => {
      const message = await this.liveMessage(tenantId, id, session);
      if (!message) return null;
      const event = await this.recordUpdate(message, at, session);
      if (!event) return null;
      // Read and written in this transaction: concurrent edits cannot both count a mention as new.
      const ever: MentionSet = {
        userIds: message.mentionedEver ?? [],
        all: message.mentionedAllEver ?? false,
      };
      const everAfter = unionMentions(ever, mentions);
      const added = addedMentions(ever, mentions);
      // Commit: new body and the mark in one write, unless a later update committed first.
      const set = {
        body,
        searchTokens: searchTokensOf(body),
        mentions: mentions.userIds,
        mentionsAll: mentions.all,
        mentionedEver: everAfter.userIds,
        mentionedAllEver: everAfter.all,
        editedAt: at,
        bodySeq: event.seq,
      };
      const live = {
        _id: id,
        tenantId,
        ...COMMITTED,
        deletedAt: null,
        bodySeq: { $lt: event.seq },
      };
      const updated =
        (await this.updateMessage(
          { ...live, lastUpdateSeq: { $lt: event.seq } },
          { ...set, lastUpdateSeq: event.seq },
          session,
        )) ?? (await this.updateMessage(live, set, session));
      if (updated) return { message: toMessage(updated), event, addedMentions: added };
      // A later edit superseded this one (its state stands), or the message was deleted meanwhile.
      const current = await this.liveMessage(tenantId, id, session);
      return current ? { message: toMessage(current), event, addedMentions: NO_MENTIONS } : null;
    });
  }

  override async tombstone(
    tenantId: TenantId,
    id: MessageId,
    at: Date,
  ): Promise<MessageMutation | null> {
    const outcome = await this.tx.run(async (session) => {
      const message = await this.liveMessage(tenantId, id, session);
      if (!message) return null;
      const event = await this.recordUpdate(message, at, session);
      if (!event) return null;
      const set = { body: null, searchTokens: [], deletedAt: at, bodySeq: event.seq };
      const live = { _id: id, tenantId, ...COMMITTED, deletedAt: null };
      const updated =
        (await this.updateMessage(
          { ...live, lastUpdateSeq: { $lt: event.seq } },
          { ...set, lastUpdateSeq: event.seq },
          session,
        )) ?? (await this.updateMessage(live, set, session));
      return updated ? { message: toMessage(updated), event } : null;
    });
    // Readers already ignore reactions of a deleted message; this only frees the space.
    if (outcome) await this.reactionDocs.deleteMany({ tenantId, messageId: id }).exec();
    return outcome;
  }

  override async addReaction(
    tenantId: TenantId,
    id: MessageId,
    userId: UserId,
    emoji: string,
    at: Date,
  ): Promise<MessageMutation | null> {
    const key = { tenantId, messageId: id, userId, emoji };
    for (let attempt = 0; attempt < 3; attempt++) {
      const message = await this.liveMessage(tenantId, id, undefined);
      if (!message) return null;
      let claimed = true;
      const claim: ReactionDoc = {
        _id: new Types.ObjectId(),
        ...key,
        conversationId: message.conversationId,
        createdAt: at,
        claimedAt: new Date(),
      };
      try {
        await this.reactionDocs.insertMany([claim], writeOptions(undefined));
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        claimed = false;
      }
      if (claimed) {
        try {
          return await this.tx.run((session) => this.completeReactionAdd(claim, session));
        } catch (err) {
          await this.release(this.reactionDocs, { _id: claim._id }, { claimedAt: new Date(0) });
          throw err;
        }
      }
      const existing = await this.reactionDocs.findOne(key).lean<ReactionDoc>().exec();
      if (!existing) continue;
      switch (reactionState(existing, message.lastUpdateSeq)) {
        case 'present':
          return null;
        case 'removed':
          // A committed removal whose cleanup did not run: drop it and claim again.
          await this.reactionDocs
            .deleteOne({ _id: existing._id, removedSeq: existing.removedSeq })
            .exec();
          continue;
        case 'adding':
          if (!isStale(existing.claimedAt)) return null; // an identical add is in flight
          return this.tx.run((session) => this.completeReactionAdd(existing, session));
      }
    }
    return null;
  }

  override async removeReaction(
    tenantId: TenantId,
    id: MessageId,
    userId: UserId,
    emoji: string,
    at: Date,
  ): Promise<MessageMutation | null> {
    const message = await this.liveMessage(tenantId, id, undefined);
    if (!message) return null;
    const existing = await this.reactionDocs
      .findOne({ tenantId, messageId: id, userId, emoji })
      .lean<ReactionDoc>()
      .exec();
    if (!existing || reactionState(existing, message.lastUpdateSeq) !== 'present') return null;
    if (existing.removingAt && !isStale(existing.removingAt)) return null; // a removal is in flight
    // Claim the removal (one winner among concurrent removals) before a seq is spent.
    const claimed = await this.reactionDocs
      .findOneAndUpdate(
        { _id: existing._id, removingAt: existing.removingAt ?? { $exists: false } },
        { $set: { removingAt: new Date(), removedAt: at } },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<ReactionDoc>()
      .exec();
    if (!claimed) return null;
    let result: MessageMutation | null;
    try {
      result = await this.tx.run((session) => this.completeReactionRemoval(claimed, session));
    } catch (err) {
      await this.release(this.reactionDocs, { _id: claimed._id }, { removingAt: new Date(0) });
      throw err;
    }
    if (result)
      await this.reactionDocs.deleteOne({ _id: claimed._id, removedSeq: result.event.seq }).exec();
    return result;
  }

  override async reactions(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
    viewerId: UserId,
  ): Promise<ReactionSummary[]> {
    const ids = [...new Set(messageIds)];
    if (ids.length === 0) return [];
    const live = await this.messages
      .find({ tenantId, _id: { $in: ids }, ...COMMITTED, deletedAt: null }, { lastUpdateSeq: 1 })
      .lean<Pick<MessageRecord, '_id' | 'lastUpdateSeq'>[]>()
      .exec();
    if (live.length === 0) return [];
    const markOf = new Map(live.map((m) => [m._id, m.lastUpdateSeq ?? 0]));
    const rs = await this.reactionDocs
      .find({ tenantId, messageId: { $in: [...markOf.keys()] } })
      .sort({ createdAt: 1, _id: 1 })
      .lean<ReactionDoc[]>()
      .exec();
    // Emoji in order of first use: reactions arrive oldest first.
    const byMessage = new Map<string, Map<string, { count: number; mine: boolean }>>();
    for (const r of rs) {
      if (reactionState(r, markOf.get(r.messageId) ?? 0) !== 'present') continue;
      const emojis =
        byMessage.get(r.messageId) ?? new Map<string, { count: number; mine: boolean }>();
      byMessage.set(r.messageId, emojis);
      const s = emojis.get(r.emoji) ?? { count: 0, mine: false };
      emojis.set(r.emoji, { count: s.count + 1, mine: s.mine || r.userId === viewerId });
    }
    return ids.flatMap((messageId) =>
      [...(byMessage.get(messageId) ?? new Map<string, { count: number; mine: boolean }>())].map(
        ([emoji, s]): ReactionSummary => ({ messageId, emoji, count: s.count, mine: s.mine }),
      ),
    );
  }

  override async listExpired(now: Date, limit: number): Promise<ExpiredMessageRef[]> {
    if (!(limit >= 1)) return [];
    const rs = await this.messages
      .find({ expiresAt: { $lte: now }, seq: { $type: 'number' } })
      .sort({ expiresAt: 1 })
      .limit(Math.trunc(limit))
      .select({ _id: 1, tenantId: 1, conversationId: 1, seq: 1 })
      .lean<Pick<MessageRecord, '_id' | 'tenantId' | 'conversationId' | 'seq'>[]>()
      .exec();
    return rs.map((r) => ({
      tenantId: r.tenantId,
      conversationId: r.conversationId,
      id: r._id,
      seq: r.seq ?? 0,
    }));
  }

  override async deleteExpired(
    tenantId: TenantId,
    ids: readonly MessageId[],
    now: Date,
  ): Promise<MessageId[]> {
    const deleted: MessageId[] = [];
    // One conditional delete each: of two sweepers, one deletes (and reports) a message.
    for (const id of ids) {
      const r = await this.messages
        .deleteOne({ _id: id, tenantId, expiresAt: { $lte: now } }, writeOptions(undefined))
        .exec();
      if (r.deletedCount !== 1) continue;
      await this.reactionDocs
        .deleteMany({ tenantId, messageId: id }, writeOptions(undefined))
        .exec();
      deleted.push(id);
    }
    return deleted;
  }

  override async countUnread(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number> {
    return this.messages
      .countDocuments({
        tenantId,
        conversationId,
        seq: { $gt: Math.max(afterSeq, 0) },
        senderId: { $ne: userId },
        deletedAt: null,
        threadRootId: null,
      })
      .exec();
  }

  override async touchThread(
    tenantId: TenantId,
    rootId: MessageId,
    at: Date,
  ): Promise<MessageMutation | null> {
    return this.tx.run(async (session) => {
      const root = await this.messages
        .findOne({ _id: rootId, tenantId, ...COMMITTED }, null, readOptions(session))
        .lean<MessageRecord>()
        .exec();
      if (!root) return null;
      const event = await this.recordUpdate(root, at, session);
      if (!event) return null;
      // Commit mark: the entry becomes visible with it (nothing else of the root changes).
      const marked = await this.updateMessage(
        { _id: rootId, tenantId, lastUpdateSeq: { $lt: event.seq } },
        { lastUpdateSeq: event.seq },
        session,
      );
      return { message: toMessage(marked ?? root), event };
    });
  }

  override async threadSummaries(
    tenantId: TenantId,
    rootIds: readonly MessageId[],
  ): Promise<ThreadSummaryRow[]> {
    return Promise.all(
      rootIds.map(async (rootId): Promise<ThreadSummaryRow> => {
        const live = { tenantId, threadRootId: rootId, deletedAt: null, ...COMMITTED };
        const [replyCount, last] = await Promise.all([
          this.messages.countDocuments(live).exec(),
          this.messages
            .findOne(live, { seq: 1, createdAt: 1 })
            .sort({ seq: -1 })
            .lean<Pick<MessageRecord, 'seq' | 'createdAt'>>()
            .exec(),
        ]);
        if (replyCount === 0 || !last)
          return { rootId, replyCount: 0, lastReplyAt: null, lastReplySeq: 0, participantIds: [] };
        // Senders by their first reply: the earliest replies, read until enough distinct ones.
        const participantIds: string[] = [];
        const cursor = this.messages
          .find(live, { senderId: 1 })
          .sort({ seq: 1 })
          .limit(MAX_PARTICIPANT_SCAN)
          .lean<Pick<MessageRecord, 'senderId'>>()
          .cursor();
        for await (const r of cursor) {
          if (!participantIds.includes(r.senderId)) participantIds.push(r.senderId);
          if (participantIds.length >= MAX_THREAD_PARTICIPANTS) break;
        }
        await cursor.close();
        return {
          rootId,
          replyCount,
          lastReplyAt: last.createdAt,
          lastReplySeq: last.seq ?? 0,
          participantIds,
        };
      }),
    );
  }

  override async countThreadUnread(
    tenantId: TenantId,
    rootId: MessageId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number> {
    return this.messages
      .countDocuments({
        tenantId,
        threadRootId: rootId,
        seq: { $gt: Math.max(afterSeq, 0) },
        senderId: { $ne: userId },
        deletedAt: null,
      })
      .exec();
  }

  override async countUnreadMentions(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number> {
    return this.messages
      .countDocuments({
        tenantId,
        conversationId,
        seq: { $gt: Math.max(afterSeq, 0) },
        senderId: { $ne: userId },
        deletedAt: null,
        $or: [{ mentions: userId }, { mentionsAll: true }],
      })
      .exec();
  }

  override async search(
    tenantId: TenantId,
    userId: UserId,
    query: string,
    conversationId: ConversationId | null,
    offset: number,
    limit: number,
  ): Promise<SearchHit[]> {
    const terms = parseSearchQuery(query);
    const tokens = requiredTokens(terms);
    if (terms.length === 0 || tokens.length === 0 || !hasRoom(limit)) return [];
    const membership = {
      tenantId,
      userId,
      active: true,
      ...(conversationId === null ? {} : { conversationId }),
    };
    const memberships = await this.members
      .find(membership, { conversationId: 1, historyFromSeq: 1 })
      .lean<Pick<MemberRecord, 'conversationId' | 'historyFromSeq'>[]>()
      .exec();
    if (memberships.length === 0) return [];
    const conversationIds = memberships.map((m) => m.conversationId);
    // History before a member's start (SINCE_JOINED) is not theirs to find.
    const hidden = memberships
      .filter((m) => (m.historyFromSeq ?? 0) > 0)
      .map((m) => ({ conversationId: m.conversationId, seq: { $lte: m.historyFromSeq } }));
    // Messages found by an attachment's file name (every word of the query in it, any case): the
    // newest few hundred, read as candidates beside the token index.
    const nameTerms = fileNameTerms(query);
    const named =
      nameTerms.length === 0
        ? []
        : await this.attachments
            .find(
              {
                tenantId,
                conversationId: { $in: conversationIds },
                messageId: { $ne: null },
                $and: nameTerms.map((t) => ({ name: { $regex: escapeRegex(t), $options: 'i' } })),
              },
              { messageId: 1 },
            )
            .sort({ createdAt: -1 })
            .limit(MAX_FILE_NAME_HITS)
            .lean<Pick<AttachmentRecord, 'messageId'>[]>()
            .exec();
    const namedIds = new Set(named.map((a) => a.messageId!));
    const candidates = await this.messages
      .find({
        tenantId,
        ...(namedIds.size > 0
          ? { $or: [{ searchTokens: { $all: tokens } }, { _id: { $in: [...namedIds] } }] }
          : { searchTokens: { $all: tokens } }),
        conversationId: { $in: conversationIds },
        ...(hidden.length > 0 ? { $nor: hidden } : {}),
        ...COMMITTED,
        deletedAt: null,
      })
      .sort({ createdAt: -1, seq: -1 })
      .limit(MAX_SEARCH_CANDIDATES)
      .lean<MessageRecord[]>()
      .exec();
    const hits: { record: MessageRecord; rank: number }[] = [];
    for (const record of candidates) {
      const folded = foldForSearch(record.body ?? '');
      if (matchesAll(folded, terms)) hits.push({ record, rank: relevance(folded, terms) });
      // Found by a file name only: ranked after every text hit.
      else if (namedIds.has(record._id)) hits.push({ record, rank: 0 });
    }
    // Best first, then newest (the candidates' order is kept among equals).
    hits.sort((a, b) => b.rank - a.rank);
    return hits
      .slice(Math.max(offset, 0), Math.max(offset, 0) + limit)
      .map((h) => ({ message: toMessage(h.record), rank: h.rank }));
  }

  /**
   * Completes a claimed message: reserve, record, commit (its seq), then the derived fields. A
   * seq a reader voided before the commit (`voidSeqs`) is given up for a later one.
   */
  private async completeClaim(claim: MessageRecord): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.completeClaimOnce(claim);
      if (outcome !== 'voided') return outcome;
      if (attempt >= MAX_VOIDED_ATTEMPTS)
        throw new DomainError('UNAVAILABLE', 'message could not be stored; retry');
    }
  }

  private async completeClaimOnce(claim: MessageRecord): Promise<AppendResult | 'voided'> {
    const outcome = await this.tx.run(
      async (session): Promise<(AppendResult & { hole?: number }) | 'voided'> => {
        // The last message moves with the reservation, so it follows seq order.
        const logged = await this.log.reserveAndRecord(
          claim.tenantId,
          claim.conversationId,
          1,
          (seq): LoggedEvent[] => [
            { kind: 'MESSAGE_ADDED', seq, messageId: claim._id, at: claim.createdAt },
          ],
          session,
          // A thread reply is activity; the last message stays a timeline one.
          claim.threadRootId
            ? { set: { lastActivityAt: claim.createdAt } }
            : { set: { lastMessageId: claim._id, lastActivityAt: claim.createdAt } },
        );
        if (!logged) {
          // No such conversation in the tenant: release the key again.
          await this.messages
            .deleteOne(
              { _id: claim._id, tenantId: claim.tenantId, seq: { $exists: false } },
              writeOptions(session),
            )
            .exec();
          throw notFound('conversation');
        }
        const [event] = logged.entries;
        const committed = await this.updateMessage(
          {
            _id: claim._id,
            tenantId: claim.tenantId,
            seq: { $exists: false },
            voidSeqs: { $ne: event.seq },
          },
          { seq: event.seq },
          session,
          { claimedAt: 1, voidSeqs: 1 },
        );
        if (!committed) {
          // Another attempt completed this claim first; this seq stays a hole.
          const current = await this.messages
            .findOne({ _id: claim._id, tenantId: claim.tenantId }, null, readOptions(session))
            .lean<MessageRecord>()
            .exec();
          // A reader gave up waiting for this seq and voided it: take a later one.
          if (current && !current.seq && current.voidSeqs?.includes(event.seq)) return 'voided';
          if (!current?.seq)
            throw new DomainError('UNAVAILABLE', 'message could not be stored; retry');
          return { message: toMessage(current), event: null, created: false, hole: event.seq };
        }
        return { message: toMessage(committed), event, created: true };
      },
    );
    if (outcome === 'voided') return outcome;
    const { hole, ...result } = outcome;
    if (hole !== undefined) await this.log.discard(claim.tenantId, claim.conversationId, hole);
    if (result.created) await this.touchMembers(result.message);
    return result;
  }

  /**
   * The message holding an idempotency key: committed → returned as is (repairing derived fields a
   * crash may have skipped); still claimed → waits for its writer, or completes a stale claim.
   */
  private async resolveExisting(doc: MessageRecord): Promise<AppendResult> {
    let current = doc;
    const started = Date.now();
    for (let delay = 5; !current.seq; delay = Math.min(delay * 2, 100)) {
      if (isStale(current.claimedAt)) return this.completeClaim(current);
      if (Date.now() - started > CLAIM_WAIT_MS) {
        throw new DomainError('UNAVAILABLE', 'the same message is still being stored; retry');
      }
      await sleep(delay);
      const next = await this.messages
        .findOne({ _id: current._id, tenantId: current.tenantId })
        .lean<MessageRecord>()
        .exec();
      if (!next) throw notFound('conversation');
      current = next;
    }
    await this.touchMembers(toMessage(current));
    return { message: toMessage(current), event: null, created: false };
  }

  /** Marks a claim of a failed attempt as stale (best effort: the store may be what failed). */
  private async release<T>(
    model: Model<T>,
    filter: Record<string, unknown>,
    set: Record<string, Date>,
  ): Promise<void> {
    try {
      await model.updateOne(filter, { $set: set }).exec();
    } catch {
      // The claim then goes stale on its own after CLAIM_STALE_MS.
    }
  }

  /** Derived: every member's copy of the conversation's activity, for their conversation lists. */
  private async touchMembers(m: Message): Promise<void> {
    await this.members
      .updateMany(
        { tenantId: m.tenantId, conversationId: m.conversationId, activitySeq: { $lt: m.seq } },
        { $set: { lastActivityAt: m.createdAt, activitySeq: m.seq } },
      )
      .exec();
  }

  private liveMessage(
    tenantId: string,
    id: string,
    session: ClientSession | undefined,
  ): Promise<MessageRecord | null> {
    return this.messages
      .findOne({ _id: id, tenantId, ...COMMITTED, deletedAt: null }, null, readOptions(session))
      .lean<MessageRecord>()
      .exec();
  }

  /** Reserves the next seq of the message's conversation and records a MESSAGE_UPDATED entry. */
  private async recordUpdate(
    message: MessageRecord,
    at: Date,
    session: ClientSession | undefined,
  ): Promise<LoggedEvent | null> {
    const logged = await this.log.reserveAndRecord(
      message.tenantId,
      message.conversationId,
      1,
      (seq): LoggedEvent[] => [{ kind: 'MESSAGE_UPDATED', seq, messageId: message._id, at }],
      session,
    );
    return logged ? logged.entries[0] : null;
  }

  private updateMessage(
    filter: Record<string, unknown>,
    set: Partial<MessageRecord>,
    session: ClientSession | undefined,
    unset?: Record<string, 1>,
  ): Promise<MessageRecord | null> {
    return this.messages
      .findOneAndUpdate(
        filter,
        { $set: set, ...(unset ? { $unset: unset } : {}) },
        { new: true, ...writeOptions(session) },
      )
      .lean<MessageRecord>()
      .exec();
  }

  /** Raises the message's commit mark to `seq`, which makes entries and staged reactions up to it visible. */
  private async raiseMark(
    r: ReactionRecord,
    seq: number,
    session: ClientSession | undefined,
  ): Promise<MessageRecord | null> {
    await this.messages
      .updateOne(
        { _id: r.messageId, tenantId: r.tenantId, lastUpdateSeq: { $lt: seq } },
        { $set: { lastUpdateSeq: seq } },
        writeOptions(session),
      )
      .exec();
    return this.messages
      .findOne({ _id: r.messageId, tenantId: r.tenantId, ...COMMITTED }, null, readOptions(session))
      .lean<MessageRecord>()
      .exec();
  }

  /**
   * Completes a claimed (or staged, when rolling forward) reaction: reserve a seq and stage it on
   * the reaction, record the entry, raise the message's mark.
   */
  private completeReactionAdd(
    r: ReactionDoc,
    session: ClientSession | undefined,
  ): Promise<MessageMutation | null> {
    return this.completeReactionChange(r, 'seq', r.createdAt, session);
  }

  /** The same for a claimed removal: stage `removedSeq`, record, raise the mark. */
  private completeReactionRemoval(
    r: ReactionDoc,
    session: ClientSession | undefined,
  ): Promise<MessageMutation | null> {
    return this.completeReactionChange(r, 'removedSeq', r.removedAt ?? r.createdAt, session);
  }

  /**
   * Stages a seq in the reaction's `field` (unless one is staged), records the entry, raises the
   * mark. A staged seq a reader voided before its entry was recorded is unstaged for a later one.
   */
  private async completeReactionChange(
    r: ReactionDoc,
    field: 'seq' | 'removedSeq',
    at: Date,
    session: ClientSession | undefined,
  ): Promise<MessageMutation | null> {
    let seq = r[field];
    for (let attempt = 1; ; attempt++) {
      if (seq === undefined || seq === null) {
        const reserved = await this.log.reserve(r.tenantId, r.conversationId, 1, session);
        if (!reserved) return null;
        seq = reserved.lastSeq;
        const staged = await this.reactionDocs
          .updateOne(
            { _id: r._id, [field]: { $exists: false } },
            { $set: { [field]: seq } },
            writeOptions(session),
          )
          .exec();
        if (staged.modifiedCount !== 1) return null; // a concurrent roll-forward staged it: this seq is a hole
      }
      const event: LoggedEvent = { kind: 'MESSAGE_UPDATED', seq, messageId: r.messageId, at };
      if (await this.log.ensure(r.tenantId, r.conversationId, event, session)) {
        const message = await this.raiseMark(r, seq, session);
        return message ? { message: toMessage(message), event } : null;
      }
      if (attempt >= MAX_VOIDED_ATTEMPTS)
        throw new DomainError('UNAVAILABLE', 'reaction could not be stored; retry');
      const unstaged = await this.reactionDocs
        .updateOne({ _id: r._id, [field]: seq }, { $unset: { [field]: 1 } }, writeOptions(session))
        .exec();
      if (unstaged.modifiedCount !== 1) return null; // a concurrent roll-forward moved it on
      seq = undefined;
    }
  }
}
