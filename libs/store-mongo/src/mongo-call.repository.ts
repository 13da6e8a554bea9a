import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';
import {
  Call,
  CallEndReason,
  CallMedia,
  CallRepository,
  CallState,
  TenantId,
  UserId,
} from '@chatter/core';
import { InjectStoreModel } from './inject-store-model';
import { CALL_MODEL, CallRecord } from './schemas/call.schema';

const toCall = (r: CallRecord): Call => ({
  id: r._id,
  tenantId: r.tenantId,
  conversationId: r.conversationId,
  callerId: r.callerId,
  calleeId: r.calleeId,
  callerSessionId: r.callerSessionId ?? null,
  calleeSessionId: r.calleeSessionId ?? null,
  media: r.media as CallMedia,
  offerSdp: r.offerSdp,
  state: r.state as CallState,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  answeredAt: r.answeredAt ?? null,
  endedAt: r.endedAt ?? null,
  endReason: (r.endReason ?? null) as CallEndReason | null,
});

/** Call state in MongoDB: each transition is one findOneAndUpdate with the expected state. */
@Injectable()
export class MongoCallRepository extends CallRepository {
  constructor(@InjectStoreModel(CALL_MODEL) private readonly calls: Model<CallRecord>) {
    super();
  }

  override async create(c: Call): Promise<void> {
    const record: CallRecord = {
      _id: c.id,
      tenantId: c.tenantId,
      conversationId: c.conversationId,
      callerId: c.callerId,
      calleeId: c.calleeId,
      callerSessionId: c.callerSessionId,
      calleeSessionId: c.calleeSessionId,
      media: c.media,
      offerSdp: c.offerSdp,
      state: c.state,
      createdAt: c.createdAt,
      expiresAt: c.expiresAt,
      answeredAt: c.answeredAt,
      endedAt: c.endedAt,
      endReason: c.endReason,
    };
    await this.calls.collection.insertOne(record as never);
  }

  override async findById(tenantId: TenantId, id: string): Promise<Call | null> {
    const r = await this.calls.findOne({ tenantId, _id: id }).lean<CallRecord>().exec();
    return r ? toCall(r) : null;
  }

  override async findLive(tenantId: TenantId, userId: UserId, now: Date): Promise<Call[]> {
    const rows = await this.calls
      .find({
        tenantId,
        $and: [
          { $or: [{ callerId: userId }, { calleeId: userId }] },
          { $or: [{ state: 'ACTIVE' }, { state: 'RINGING', expiresAt: { $gt: now } }] },
        ],
      })
      .sort({ createdAt: -1 })
      .limit(20)
      .lean<CallRecord[]>()
      .exec();
    return rows.map(toCall);
  }

  override async answer(
    tenantId: TenantId,
    id: string,
    calleeSessionId: string | null,
    at: Date,
  ): Promise<Call | null> {
    const r = await this.calls
      .findOneAndUpdate(
        { tenantId, _id: id, state: 'RINGING', expiresAt: { $gt: at } },
        { $set: { state: 'ACTIVE', calleeSessionId, answeredAt: at } },
        { new: true },
      )
      .lean<CallRecord>()
      .exec();
    return r ? toCall(r) : null;
  }

  override async end(
    tenantId: TenantId,
    id: string,
    from: readonly ('RINGING' | 'ACTIVE')[],
    reason: CallEndReason,
    at: Date,
  ): Promise<Call | null> {
    if (from.length === 0) return null;
    const r = await this.calls
      .findOneAndUpdate(
        { tenantId, _id: id, state: { $in: [...from] } },
        { $set: { state: 'ENDED', endedAt: at, endReason: reason } },
        { new: true },
      )
      .lean<CallRecord>()
      .exec();
    return r ? toCall(r) : null;
  }

  override async listExpired(now: Date, limit: number): Promise<Call[]> {
    const rows = await this.calls
      .find({ state: 'RINGING', expiresAt: { $lte: now } })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .lean<CallRecord[]>()
      .exec();
    return rows.map(toCall);
  }

  override async listActive(afterId: string | null, limit: number): Promise<Call[]> {
    const rows = await this.calls
      .find({ state: 'ACTIVE', ...(afterId === null ? {} : { _id: { $gt: afterId } }) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<CallRecord[]>()
      .exec();
    return rows.map(toCall);
  }
}
