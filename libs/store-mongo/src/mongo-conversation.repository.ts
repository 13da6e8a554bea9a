import { Injectable } from '@nestjs/common';
import {
  channelNameKey,
  closePeriod,
  Conversation,
  HistoryVisibility,
  MentionAllPolicy,
  ConversationId,
  ConversationRepository,
  DomainError,
  FormerMember,
  ConversationChangeDetails,
  LoggedEvent,
  MembershipDetails,
  NoticeEvent,
  Member,
  MemberMutation,
  MemberRole,
  MemberSettingsPatch,
  MembershipChange,
  NewMember,
  Page,
  PageRequest,
  SettledSeqs,
  TenantId,
  UserId,
  invalid,
  notFound,
} from '@chatter/core';
import type { ClientSession, Model } from 'mongoose';
import { MongoConversationLog } from './conversation-log';
import { InjectStoreModel } from './inject-store-model';
import {
  foldTitle,
  fromNewConversation,
  toConversation,
  toMember,
} from './mappers/conversation.mapper';
import { conflictOnDuplicate, isDuplicateKey } from './mongo-errors';
import { cursorDate, decodeKeyset, hasRoom, toPage } from './mongo-pagination';
import { MongoTransactions } from './mongo-transactions';
import { readOptions, writeOptions } from './mongo-write';
import { CONVERSATION_MODEL, ConversationRecord } from './schemas/conversation.schema';
import { MEMBER_MODEL, MemberRecord } from './schemas/member.schema';

/** First occurrence of each user wins. */
const uniqueMembers = (members: NewMember[]): NewMember[] => {
  const seen = new Set<string>();
  return members.filter((m) => (seen.has(m.userId) ? false : (seen.add(m.userId), true)));
};

/** Escapes text for literal use inside a regular expression. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

type MemberKey = { tenantId: string; conversationId: string; userId: string };

@Injectable()
export class MongoConversationRepository extends ConversationRepository {
  constructor(
    @InjectStoreModel(CONVERSATION_MODEL) private readonly conversations: Model<ConversationRecord>,
    @InjectStoreModel(MEMBER_MODEL) private readonly members: Model<MemberRecord>,
    private readonly log: MongoConversationLog,
    private readonly tx: MongoTransactions,
  ) {
    super();
  }

  override async create(conversation: Conversation, members: NewMember[]): Promise<Conversation> {
    const doc = fromNewConversation(conversation, uniqueMembers(members));
    try {
      return await this.tx.run(async (session) => {
        // The conversation carries its initial members until they are written, so a creation cut
        // short can be completed by the next findOrCreateUnique of the same key.
        await this.conversations.insertMany([doc], writeOptions(session));
        await this.writePendingMembers(doc, session);
        return toConversation(doc);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new DomainError('CONFLICT', 'conversation already exists');
      throw err;
    }
  }

  override async findOrCreateUnique(
    conversation: Conversation,
    members: NewMember[],
  ): Promise<{ conversation: Conversation; created: boolean }> {
    if (conversation.uniqueKey === null)
      throw invalid('uniqueKey', 'findOrCreateUnique needs a uniqueKey');
    const existing = await this.byUniqueKey(conversation.tenantId, conversation.uniqueKey);
    if (existing) return { conversation: await this.settle(existing), created: false };
    try {
      return { conversation: await this.create(conversation, members), created: true };
    } catch (err) {
      // Lost the race for the unique key: the winner's conversation is the answer.
      if (err instanceof DomainError && err.code === 'CONFLICT') {
        const winner = await this.byUniqueKey(conversation.tenantId, conversation.uniqueKey);
        if (winner) return { conversation: await this.settle(winner), created: false };
      }
      throw err;
    }
  }

  override async findById(tenantId: TenantId, id: ConversationId): Promise<Conversation | null> {
    const r = await this.log.conversation(tenantId, id, undefined);
    return r ? toConversation(r) : null;
  }

  override async findByIds(
    tenantId: TenantId,
    ids: readonly ConversationId[],
  ): Promise<Conversation[]> {
    if (ids.length === 0) return [];
    const rs = await this.conversations
      .find({ tenantId, _id: { $in: [...ids] } })
      .lean<ConversationRecord[]>()
      .exec();
    return rs.map(toConversation);
  }

  override async findByUniqueKey(tenantId: TenantId, key: string): Promise<Conversation | null> {
    const r = await this.byUniqueKey(tenantId, key);
    return r ? toConversation(r) : null;
  }

  override async listForUser(
    tenantId: TenantId,
    userId: UserId,
    page: PageRequest,
  ): Promise<Page<{ conversation: Conversation; member: Member }>> {
    const filter: Record<string, unknown> = { tenantId, userId, active: true };
    if (page.after !== null) {
      const [ms, id] = decodeKeyset(page.after, ['number', 'string']);
      const at = cursorDate(ms);
      filter['$or'] = [
        { lastActivityAt: { $lt: at } },
        { lastActivityAt: at, conversationId: { $gt: id } },
      ];
    }
    const memberships = await this.members
      .find(filter)
      .sort({ lastActivityAt: -1, conversationId: 1 })
      .limit(page.first + 1)
      .lean<MemberRecord[]>()
      .exec();
    const conversations = await this.conversations
      .find({ tenantId, _id: { $in: memberships.map((m) => m.conversationId) } })
      .lean<ConversationRecord[]>()
      .exec();
    const byId = new Map(conversations.map((c) => [c._id, c]));
    const rows = memberships.flatMap((m) => {
      const c = byId.get(m.conversationId);
      return c ? [{ c, m }] : [];
    });
    return toPage(
      rows,
      page,
      ({ c, m }) => ({ conversation: toConversation(c), member: toMember(m) }),
      ({ m }) => [m.lastActivityAt.getTime(), m.conversationId],
    );
  }

  override async searchChannels(
    tenantId: TenantId,
    query: string | null,
    page: PageRequest,
  ): Promise<Page<Conversation>> {
    const filter: Record<string, unknown> = { tenantId, kind: 'CHANNEL' };
    if (query !== null && query !== '')
      filter['titleFolded'] = { $regex: literal(query.toLowerCase()) };
    if (page.after !== null) {
      const [title, id] = decodeKeyset(page.after, ['string', 'string']);
      filter['$or'] = [{ title: { $gt: title } }, { title, _id: { $gt: id } }];
    }
    const rs = await this.conversations
      .find(filter)
      .sort({ title: 1, _id: 1 })
      .limit(page.first + 1)
      .lean<ConversationRecord[]>()
      .exec();
    return toPage(rs, page, toConversation, (r) => [r.title ?? '', r._id]);
  }

  override async listIdsForUser(
    tenantId: TenantId,
    userId: UserId,
    limit: number,
  ): Promise<ConversationId[]> {
    if (!hasRoom(limit)) return [];
    // Most recently active first, so a limit keeps the conversations that matter most.
    const rs = await this.members
      .find({ tenantId, userId, active: true })
      .sort({ lastActivityAt: -1, conversationId: 1 })
      .limit(limit)
      .lean<MemberRecord[]>()
      .exec();
    return rs.map((r) => r.conversationId);
  }

  override async listPeerIds(tenantId: TenantId, userId: UserId, limit: number): Promise<UserId[]> {
    if (!hasRoom(limit)) return [];
    const mine = await this.members
      .find({ tenantId, userId, active: true, kind: { $in: ['DIRECT', 'GROUP'] } })
      .lean<MemberRecord[]>()
      .exec();
    if (mine.length === 0) return [];
    const peers: string[] = await this.members
      .distinct('userId', {
        tenantId,
        conversationId: { $in: mine.map((m) => m.conversationId) },
        active: true,
        userId: { $ne: userId },
      })
      .exec();
    return peers.slice(0, limit);
  }

  override async getMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
  ): Promise<Member | null> {
    const r = await this.activeMember({ tenantId, conversationId, userId }, undefined);
    return r ? toMember(r) : null;
  }

  override async getFormerMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
  ): Promise<FormerMember | null> {
    const r = await this.members
      .findOne({ tenantId, conversationId, userId, exitChange: { $exists: true } })
      .lean<MemberRecord>()
      .exec();
    if (!r?.exitChange || !r.exitedAt) return null;
    return {
      tenantId,
      conversationId,
      userId,
      periods: (r.readPeriods ?? []).map((p) => ({ fromSeq: p.fromSeq, toSeq: p.toSeq })),
      change: r.exitChange,
      actorId: r.exitActorId ?? null,
      exitedAt: r.exitedAt,
    };
  }

  override async listFormerIdsForUser(
    tenantId: TenantId,
    userId: UserId,
    limit: number,
  ): Promise<ConversationId[]> {
    if (!hasRoom(limit)) return [];
    const rs = await this.members
      .find({ tenantId, userId, active: false, exitChange: { $exists: true } })
      .sort({ exitedAt: -1 })
      .limit(limit)
      .lean<MemberRecord[]>()
      .exec();
    return rs.map((r) => r.conversationId);
  }

  override async listMembers(
    tenantId: TenantId,
    conversationId: ConversationId,
    page: PageRequest,
  ): Promise<Page<Member>> {
    const filter: Record<string, unknown> = { tenantId, conversationId, active: true };
    if (page.after !== null) {
      const [ms, id] = decodeKeyset(page.after, ['number', 'string']);
      const at = cursorDate(ms);
      filter['$or'] = [{ joinedAt: { $gt: at } }, { joinedAt: at, userId: { $gt: id } }];
    }
    const rs = await this.members
      .find(filter)
      .sort({ joinedAt: 1, userId: 1 })
      .limit(page.first + 1)
      .lean<MemberRecord[]>()
      .exec();
    return toPage(rs, page, toMember, (r) => [r.joinedAt.getTime(), r.userId]);
  }

  override async countMembersWithRole(
    tenantId: TenantId,
    conversationId: ConversationId,
    role: MemberRole,
  ): Promise<number> {
    return this.members.countDocuments({ tenantId, conversationId, role, active: true }).exec();
  }

  override async addMembers(
    tenantId: TenantId,
    conversationId: ConversationId,
    members: NewMember[],
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation[]> {
    const wanted = uniqueMembers(members);
    const { mutations, lost } = await this.tx.run(async (session) => {
      const conversation = await this.log.conversation(tenantId, conversationId, session);
      if (!conversation) throw notFound('conversation');
      if (wanted.length === 0) return { mutations: [], lost: [] };
      const present = await this.members
        .find(
          { tenantId, conversationId, userId: { $in: wanted.map((m) => m.userId) }, active: true },
          { userId: 1 },
          readOptions(session),
        )
        .lean<Pick<MemberRecord, 'userId'>[]>()
        .exec();
      const presentIds = new Set(present.map((m) => m.userId));
      const toAdd = wanted.filter((m) => !presentIds.has(m.userId));
      if (toAdd.length === 0) return { mutations: [], lost: [] };

      // The count moves with the reservation; adds that lose a race give it back below.
      const logged = await this.log.reserveAndRecord(
        tenantId,
        conversationId,
        toAdd.length,
        (first) =>
          toAdd.map((m, i): LoggedEvent => ({
            kind: 'MEMBERSHIP_CHANGED',
            seq: first + i,
            userId: m.userId,
            change: 'ADDED',
            at,
            ...actor(actorId),
          })),
        session,
        { memberCountDelta: toAdd.length },
      );
      if (!logged) throw notFound('conversation');
      const { reserved, entries: events } = logged;

      const done: MemberMutation[] = [];
      const missed: number[] = [];
      for (const [i, m] of toAdd.entries()) {
        const record: MemberRecord = {
          tenantId,
          conversationId,
          userId: m.userId,
          kind: conversation.kind,
          active: true,
          role: m.role,
          joinedAt: at,
          // Under SINCE_JOINED the member sees only what follows their ADDED entry.
          historyFromSeq: conversation.historyVisibility === 'SINCE_JOINED' ? events[i].seq : 0,
          readSeq: 0,
          deliveredSeq: 0,
          muted: false,
          pinned: false,
          archived: false,
          opSeq: events[i].seq,
          lastActivityAt: reserved.lastActivityAt,
          activitySeq: reserved.lastSeq,
        };
        // Commit: (re)activates the member with the entry's seq as its mark.
        const applied = await this.commitMember(
          { tenantId, conversationId, userId: m.userId },
          { active: { $ne: true } },
          record,
          true,
          events[i].seq,
          session,
        );
        if (applied) done.push({ event: events[i], member: toMember(record) });
        else missed.push(events[i].seq);
      }
      return { mutations: done, lost: missed };
    });
    if (lost.length > 0) {
      await this.adjustMemberCount(tenantId, conversationId, -lost.length);
      for (const seq of lost) await this.log.discard(tenantId, conversationId, seq);
    }
    if (mutations.length > 0)
      await this.syncActivity(
        tenantId,
        conversationId,
        mutations.map((m) => m.member!.userId),
      );
    return mutations;
  }

  override async removeMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    change: Extract<MembershipChange, 'REMOVED' | 'LEFT'>,
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation | null> {
    const key = { tenantId, conversationId, userId };
    return this.memberChange(key, { change, ...actor(actorId) }, at, -1, async (seq, session) => {
      // The period that ends here joins the user's former-member record, in the same write.
      const current = await this.activeMember(key, session);
      if (!current) return undefined;
      const from = current.historyFromSeq ?? 0;
      const applied = await this.commitMember(
        key,
        {
          active: true,
          joinedAt: current.joinedAt,
          historyFromSeq: current.historyFromSeq ?? { $exists: false },
        },
        {
          active: false,
          readPeriods: closePeriod(current.readPeriods ?? [], { historyFromSeq: from }, seq).map(
            (p) => ({ fromSeq: p.fromSeq, toSeq: p.toSeq ?? seq }),
          ),
          exitChange: change,
          exitActorId: actorId ?? null,
          exitedAt: at,
        },
        false,
        seq,
        session,
      );
      return applied ? null : undefined;
    });
  }

  override async setRole(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    role: MemberRole,
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation | null> {
    const key = { tenantId, conversationId, userId };
    const details = { change: 'ROLE_CHANGED' as const, role, ...actor(actorId) };
    return this.memberChange(key, details, at, 0, async (seq, session) => {
      const applied = await this.commitMember(key, { active: true }, { role }, false, seq, session);
      return applied ? toMember(applied) : undefined;
    });
  }

  override async updateMemberSettings(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    patch: MemberSettingsPatch,
  ): Promise<Member | null> {
    const set: Partial<MemberRecord> = {};
    if (patch.muted !== undefined) set.muted = patch.muted;
    if (patch.pinned !== undefined) set.pinned = patch.pinned;
    if (patch.archived !== undefined) set.archived = patch.archived;
    if (Object.keys(set).length === 0) return this.getMember(tenantId, conversationId, userId);
    const r = await this.members
      .findOneAndUpdate(
        { tenantId, conversationId, userId, active: true },
        { $set: set },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<MemberRecord>()
      .exec();
    return r ? toMember(r) : null;
  }

  override async updateHistoryVisibility(
    tenantId: TenantId,
    conversationId: ConversationId,
    visibility: HistoryVisibility,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    // A later setting that committed first stands (older records have no mark yet).
    const details = { attribute: 'HISTORY_VISIBILITY' as const, value: visibility };
    return this.recordChange(
      tenantId,
      conversationId,
      at,
      { ...details, ...actor(actorId) },
      (seq) => ({
        filter: {
          $or: [
            { historyVisibilitySeq: { $lt: seq } },
            { historyVisibilitySeq: { $exists: false } },
          ],
        },
        set: { historyVisibility: visibility, historyVisibilitySeq: seq },
      }),
    );
  }

  override async updateDisappearing(
    tenantId: TenantId,
    conversationId: ConversationId,
    seconds: number | null,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    // A later setting that committed first stands (older records have no mark yet).
    const details = { attribute: 'DISAPPEARING' as const, value: String(seconds ?? 0) };
    return this.recordChange(
      tenantId,
      conversationId,
      at,
      { ...details, ...actor(actorId) },
      (seq) => ({
        filter: {
          $or: [{ disappearingSeq: { $lt: seq } }, { disappearingSeq: { $exists: false } }],
        },
        set: { disappearAfterSeconds: seconds, disappearingSeq: seq },
      }),
    );
  }

  override async updateMentionAll(
    tenantId: TenantId,
    conversationId: ConversationId,
    policy: MentionAllPolicy,
    at: Date,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    // A later setting that committed first stands (older records have no mark yet).
    return this.recordChange(tenantId, conversationId, at, {}, (seq) => ({
      filter: {
        $or: [{ mentionAllSeq: { $lt: seq } }, { mentionAllSeq: { $exists: false } }],
      },
      set: { mentionAll: policy, mentionAllSeq: seq },
    }));
  }

  override async updateTitle(
    tenantId: TenantId,
    conversationId: ConversationId,
    title: string,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    // A later title that committed first stands.
    const current = await this.log.conversation(tenantId, conversationId, undefined);
    if (!current) return null;
    const key = current.kind === 'CHANNEL' ? { channelNameKey: channelNameKey(title) } : {};
    const details = { attribute: 'TITLE' as const, value: title, ...actor(actorId) };
    return conflictOnDuplicate('channel name', () =>
      this.recordChange(tenantId, conversationId, at, details, (seq) => ({
        filter: { titleSeq: { $lt: seq } },
        set: { title, titleFolded: foldTitle(title), titleSeq: seq, ...key },
      })),
    );
  }

  override async updateDescription(
    tenantId: TenantId,
    conversationId: ConversationId,
    description: string,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    // A later description that committed first stands (older records have no mark yet).
    const details = { attribute: 'DESCRIPTION' as const, value: description, ...actor(actorId) };
    return this.recordChange(tenantId, conversationId, at, details, (seq) => ({
      filter: {
        $or: [{ descriptionSeq: { $lt: seq } }, { descriptionSeq: { $exists: false } }],
      },
      set: { description: description === '' ? null : description, descriptionSeq: seq },
    }));
  }

  /**
   * Logs a CONVERSATION_CHANGED event and commits the change with its mark in one write, unless
   * `filter` says a later change already committed; answers the conversation as it now stands.
   */
  private recordChange(
    tenantId: TenantId,
    conversationId: ConversationId,
    at: Date,
    details: ConversationChangeDetails,
    change: (seq: number) => { filter: Record<string, unknown>; set: Record<string, unknown> },
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    return this.tx.run(async (session) => {
      const logged = await this.log.reserveAndRecord(
        tenantId,
        conversationId,
        1,
        (seq): LoggedEvent[] => [{ kind: 'CONVERSATION_CHANGED', seq, at, ...details }],
        session,
      );
      if (!logged) return null;
      const [event] = logged.entries;
      const { filter, set } = change(event.seq);
      const updated = await this.conversations
        .findOneAndUpdate(
          { _id: conversationId, tenantId, ...filter },
          { $set: set },
          { new: true, ...writeOptions(session) },
        )
        .lean<ConversationRecord>()
        .exec();
      const current = updated ?? (await this.log.conversation(tenantId, conversationId, session));
      return current ? { conversation: toConversation(current), event } : null;
    });
  }

  override async advanceRead(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): Promise<Member | null> {
    return this.advance('readSeq', { tenantId, conversationId, userId }, seq);
  }

  override async advanceDelivered(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): Promise<Member | null> {
    return this.advance('deliveredSeq', { tenantId, conversationId, userId }, seq);
  }

  override async countDelivered(
    tenantId: TenantId,
    conversationId: ConversationId,
    seq: number,
    excludeUserId: UserId,
  ): Promise<number> {
    return this.members
      .countDocuments({
        tenantId,
        conversationId,
        active: true,
        userId: { $ne: excludeUserId },
        $or: [{ deliveredSeq: { $gte: seq } }, { readSeq: { $gte: seq } }],
      })
      .exec();
  }

  override async countReaders(
    tenantId: TenantId,
    conversationId: ConversationId,
    seq: number,
    excludeUserId: UserId,
  ): Promise<number> {
    return this.members
      .countDocuments({
        tenantId,
        conversationId,
        active: true,
        readSeq: { $gte: seq },
        userId: { $ne: excludeUserId },
      })
      .exec();
  }

  override async listNotices(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    limit: number,
  ): Promise<NoticeEvent[]> {
    if (!hasRoom(limit)) return [];
    const entries = await this.log.listVisible(tenantId, conversationId, afterSeq, limit, [
      'MEMBERSHIP_CHANGED',
      'CONVERSATION_CHANGED',
    ]);
    return entries as NoticeEvent[];
  }

  override async listEvents(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    limit: number,
  ): Promise<LoggedEvent[]> {
    if (!hasRoom(limit)) return [];
    return this.log.listVisible(tenantId, conversationId, afterSeq, limit);
  }

  override settleSeqs(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    upToSeq: number,
  ): Promise<SettledSeqs> {
    return this.log.settle(tenantId, conversationId, afterSeq, upToSeq);
  }

  private byUniqueKey(tenantId: string, uniqueKey: string): Promise<ConversationRecord | null> {
    return this.conversations.findOne({ tenantId, uniqueKey }).lean<ConversationRecord>().exec();
  }

  /** Completes a creation that was cut short (its initial members still pending), then maps it. */
  private async settle(doc: ConversationRecord): Promise<Conversation> {
    if (doc.pendingMembers) await this.writePendingMembers(doc, undefined);
    return toConversation(doc);
  }

  /** Writes the conversation's pending initial members (idempotent), then clears them. */
  private async writePendingMembers(
    doc: ConversationRecord,
    session: ClientSession | undefined,
  ): Promise<void> {
    const pending = doc.pendingMembers ?? [];
    if (pending.length > 0) {
      try {
        await this.members.bulkWrite(
          pending.map((m) => ({
            updateOne: {
              filter: { tenantId: doc.tenantId, conversationId: doc._id, userId: m.userId },
              update: {
                $setOnInsert: {
                  kind: doc.kind,
                  active: true,
                  role: m.role,
                  joinedAt: doc.createdAt,
                  historyFromSeq: 0,
                  readSeq: 0,
                  deliveredSeq: 0,
                  muted: false,
                  pinned: false,
                  archived: false,
                  opSeq: 0,
                  lastActivityAt: doc.lastActivityAt,
                  activitySeq: 0,
                },
              },
              upsert: true,
            },
          })),
          { ordered: false, ...writeOptions(session) },
        );
      } catch (err) {
        // A concurrent completion inserted some of them first.
        if (session || !isDuplicateKey(err)) throw err;
      }
    }
    await this.conversations
      .updateOne(
        { _id: doc._id, tenantId: doc.tenantId },
        { $unset: { pendingMembers: 1 } },
        writeOptions(session),
      )
      .exec();
  }

  private activeMember(
    key: MemberKey,
    session: ClientSession | undefined,
  ): Promise<MemberRecord | null> {
    return this.members
      .findOne({ ...key, active: true }, null, readOptions(session))
      .lean<MemberRecord>()
      .exec();
  }

  /**
   * A logged change of one existing member: reserve, record, then `commit` (which returns undefined
   * when it lost a race, leaving the entry to be discarded as a hole).
   */
  private async memberChange(
    key: MemberKey,
    details: Omit<MembershipDetails, 'userId'>,
    at: Date,
    memberCountDelta: number,
    commit: (seq: number, session: ClientSession | undefined) => Promise<Member | null | undefined>,
  ): Promise<MemberMutation | null> {
    const outcome = await this.tx.run(async (session) => {
      if (!(await this.activeMember(key, session))) return null;
      const logged = await this.log.reserveAndRecord(
        key.tenantId,
        key.conversationId,
        1,
        (seq): LoggedEvent[] => [
          { kind: 'MEMBERSHIP_CHANGED', seq, userId: key.userId, ...details, at },
        ],
        session,
        { memberCountDelta },
      );
      if (!logged) return null;
      const [event] = logged.entries;
      const member = await commit(event.seq, session);
      return { event, member };
    });
    if (!outcome) return null;
    if (outcome.member === undefined) {
      if (memberCountDelta !== 0)
        await this.adjustMemberCount(key.tenantId, key.conversationId, -memberCountDelta);
      await this.log.discard(key.tenantId, key.conversationId, outcome.event.seq);
      return null;
    }
    return { event: outcome.event, member: outcome.member };
  }

  /**
   * The commit of a membership change: applies `set` and stamps `opSeq` in one write, only if the
   * member matches `state` and no later change committed. Returns the member after, or null when it
   * lost a race (only possible without a transaction).
   */
  private async commitMember(
    key: MemberKey,
    state: Record<string, unknown>,
    set: Partial<MemberRecord>,
    upsert: boolean,
    seq: number,
    session: ClientSession | undefined,
  ): Promise<MemberRecord | null> {
    try {
      return await this.members
        .findOneAndUpdate(
          { ...key, ...state, opSeq: { $lt: seq } },
          { $set: { ...set, opSeq: seq } },
          { new: true, upsert, ...writeOptions(session) },
        )
        .lean<MemberRecord>()
        .exec();
    } catch (err) {
      // The upsert met an active member that a concurrent add committed first.
      if (upsert && !session && isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** Gives back the count of a change that lost a race (only possible without a transaction). */
  private async adjustMemberCount(
    tenantId: string,
    conversationId: string,
    delta: number,
  ): Promise<void> {
    await this.conversations
      .updateOne(
        { _id: conversationId, tenantId },
        { $inc: { memberCount: delta } },
        writeOptions(undefined),
      )
      .exec();
  }

  /** Brings new members' activity copy up to the conversation's (a message may have landed meanwhile). */
  private async syncActivity(
    tenantId: string,
    conversationId: string,
    userIds: string[],
  ): Promise<void> {
    const c = await this.log.conversation(tenantId, conversationId, undefined);
    if (!c) return;
    await this.members
      .updateMany(
        { tenantId, conversationId, userId: { $in: userIds }, activitySeq: { $lt: c.lastSeq } },
        { $set: { lastActivityAt: c.lastActivityAt, activitySeq: c.lastSeq } },
      )
      .exec();
  }

  private async advance(
    field: 'readSeq' | 'deliveredSeq',
    key: MemberKey,
    seq: number,
  ): Promise<Member | null> {
    const conversation = await this.log.conversation(key.tenantId, key.conversationId, undefined);
    if (!conversation) return null;
    const target = Math.min(seq, conversation.lastSeq);
    // Conditional on the pointer being lower, so it only moves forward under concurrency too.
    const moved = await this.members
      .findOneAndUpdate(
        { ...key, active: true, [field]: { $lt: target } },
        { $set: { [field]: target } },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<MemberRecord>()
      .exec();
    if (moved) return toMember(moved);
    return this.getMember(key.tenantId, key.conversationId, key.userId);
  }
}

/** The actor of a logged change, when the caller named one. */
const actor = (actorId: UserId | undefined): { actorId?: UserId } =>
  actorId === undefined ? {} : { actorId };
