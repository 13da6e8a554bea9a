import { Injectable } from '@nestjs/common';
import type { ClientSession, Model } from 'mongoose';
import {
  LoggedEvent,
  MessageId,
  Poll,
  PollChange,
  PollRepository,
  PollResults,
  TenantId,
  UserId,
} from '@chatter/core';
import { MongoConversationLog } from './conversation-log';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { MongoTransactions } from './mongo-transactions';
import { readOptions, writeOptions } from './mongo-write';
import { MESSAGE_MODEL, MessageRecord } from './schemas/message.schema';
import { POLL_MODEL, PollRecord } from './schemas/poll.schema';

const toPoll = (r: PollRecord): Poll => ({
  tenantId: r.tenantId,
  messageId: r._id,
  conversationId: r.conversationId,
  creatorId: r.creatorId,
  question: r.question,
  options: r.options.map((o) => ({ id: o.id, text: o.text })),
  multipleChoice: r.multipleChoice,
  anonymous: r.anonymous,
  createdAt: r.createdAt,
  closedAt: r.closedAt ?? null,
});

/** Ballot keys are user ids; anything else could address another field. */
const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Polls over MongoDB. A change is applied by one conditional update of the poll document (the
 * closed check included), then recorded as a MESSAGE_UPDATED entry whose commit mark is the
 * message's `lastUpdateSeq` (see conversation-log.ts), all in one transaction where the server
 * supports them.
 */
@Injectable()
export class MongoPollRepository extends PollRepository {
  constructor(
    @InjectStoreModel(POLL_MODEL) private readonly polls: Model<PollRecord>,
    @InjectStoreModel(MESSAGE_MODEL) private readonly messages: Model<MessageRecord>,
    private readonly log: MongoConversationLog,
    private readonly tx: MongoTransactions,
  ) {
    super();
  }

  override async create(poll: Poll): Promise<Poll> {
    const record: PollRecord = {
      _id: poll.messageId,
      tenantId: poll.tenantId,
      conversationId: poll.conversationId,
      creatorId: poll.creatorId,
      question: poll.question,
      options: poll.options.map((o) => ({ id: o.id, text: o.text })),
      multipleChoice: poll.multipleChoice,
      anonymous: poll.anonymous,
      createdAt: poll.createdAt,
      closedAt: null,
      ballots: {},
    };
    try {
      await this.polls.collection.insertOne(record as never, writeOptions(undefined));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.polls
      .findOne({ _id: poll.messageId, tenantId: poll.tenantId })
      .lean<PollRecord>()
      .exec();
    if (!stored) throw new Error(`poll ${poll.messageId} was not stored`);
    return toPoll(stored);
  }

  override async findByMessageIds(tenantId: TenantId, ids: readonly MessageId[]): Promise<Poll[]> {
    if (ids.length === 0) return [];
    const found = await this.polls
      .find({ tenantId, _id: { $in: [...ids] } }, { ballots: 0 })
      .lean<PollRecord[]>()
      .exec();
    return found.map(toPoll);
  }

  override async vote(
    tenantId: TenantId,
    messageId: MessageId,
    userId: UserId,
    optionIds: readonly string[],
    at: Date,
  ): Promise<PollChange> {
    if (!SAFE_KEY.test(userId)) throw new Error('unexpected user id');
    const chosen = [...optionIds].sort();
    return this.tx.run(async (session) => {
      const poll = await this.livePoll(tenantId, messageId, session);
      if (!poll) return { kind: 'ABSENT' } as const;
      if (poll.closedAt) return { kind: 'CLOSED' } as const;
      const before = [...(poll.ballots?.[userId]?.o ?? [])].sort();
      if (before.length === chosen.length && before.every((o, i) => o === chosen[i]))
        return { kind: 'UNCHANGED' } as const;
      const key = `ballots.${userId}`;
      const update =
        chosen.length === 0 ? { $unset: { [key]: 1 } } : { $set: { [key]: { o: chosen, at } } };
      const applied = await this.polls
        .updateOne({ _id: messageId, tenantId, closedAt: null }, update, writeOptions(session))
        .exec();
      if (applied.matchedCount === 0) return { kind: 'CLOSED' } as const;
      return this.record(poll, at, session);
    });
  }

  override async close(tenantId: TenantId, messageId: MessageId, at: Date): Promise<PollChange> {
    return this.tx.run(async (session) => {
      const poll = await this.livePoll(tenantId, messageId, session);
      if (!poll) return { kind: 'ABSENT' } as const;
      const applied = await this.polls
        .updateOne(
          { _id: messageId, tenantId, closedAt: null },
          { $set: { closedAt: at } },
          writeOptions(session),
        )
        .exec();
      if (applied.matchedCount === 0) return { kind: 'UNCHANGED' } as const;
      return this.record(poll, at, session);
    });
  }

  override async results(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
    viewerId: UserId,
    votersPerOption: number,
  ): Promise<PollResults[]> {
    if (messageIds.length === 0) return [];
    const found = await this.polls
      .find({ tenantId, _id: { $in: [...messageIds] } })
      .lean<PollRecord[]>()
      .exec();
    return found.map((poll) => {
      const ballots = Object.entries(poll.ballots ?? {}).sort(
        ([ua, a], [ub, b]) =>
          new Date(a.at).getTime() - new Date(b.at).getTime() || (ua < ub ? -1 : ua > ub ? 1 : 0),
      );
      const counts: Record<string, number> = {};
      const voters: Record<string, UserId[]> = {};
      for (const o of poll.options) {
        counts[o.id] = 0;
        voters[o.id] = [];
      }
      for (const [userId, ballot] of ballots) {
        for (const option of ballot.o) {
          if (counts[option] === undefined) continue;
          counts[option]++;
          if (!poll.anonymous && voters[option]!.length < votersPerOption)
            voters[option]!.push(userId);
        }
      }
      return {
        messageId: poll._id,
        counts,
        voters,
        totalVoters: ballots.filter(([, b]) => b.o.length > 0).length,
        myVotes: [...(poll.ballots?.[viewerId]?.o ?? [])].sort((a, b) => Number(a) - Number(b)),
      };
    });
  }

  /** The poll, when its message exists and is not deleted. */
  private async livePoll(
    tenantId: string,
    messageId: string,
    session: ClientSession | undefined,
  ): Promise<PollRecord | null> {
    const message = await this.messages
      .findOne(
        { _id: messageId, tenantId, seq: { $gt: 0 }, deletedAt: null },
        { _id: 1 },
        readOptions(session),
      )
      .lean<MessageRecord>()
      .exec();
    if (!message) return null;
    return this.polls
      .findOne({ _id: messageId, tenantId }, null, readOptions(session))
      .lean<PollRecord>()
      .exec();
  }

  /** Records the MESSAGE_UPDATED entry and raises the message's commit mark to it. */
  private async record(
    poll: PollRecord,
    at: Date,
    session: ClientSession | undefined,
  ): Promise<PollChange> {
    const logged = await this.log.reserveAndRecord(
      poll.tenantId,
      poll.conversationId,
      1,
      (seq): LoggedEvent[] => [{ kind: 'MESSAGE_UPDATED', seq, messageId: poll._id, at }],
      session,
    );
    const event = logged?.entries[0];
    if (!event) return { kind: 'ABSENT' };
    await this.messages
      .updateOne(
        { _id: poll._id, tenantId: poll.tenantId, lastUpdateSeq: { $lt: event.seq } },
        { $set: { lastUpdateSeq: event.seq } },
        writeOptions(session),
      )
      .exec();
    return { kind: 'CHANGED', event };
  }
}
