import { Injectable } from '@nestjs/common';
import { RefreshToken, Session, SessionRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { fromRefreshToken, fromSession, toRefreshToken, toSession } from './mappers/session.mapper';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import {
  REFRESH_TOKEN_MODEL,
  RefreshTokenRecord,
  SESSION_MODEL,
  SessionRecord,
} from './schemas/session.schema';

@Injectable()
export class MongoSessionRepository extends SessionRepository {
  constructor(
    @InjectStoreModel(SESSION_MODEL) private readonly sessions: Model<SessionRecord>,
    @InjectStoreModel(REFRESH_TOKEN_MODEL) private readonly tokens: Model<RefreshTokenRecord>,
  ) {
    super();
  }

  override async createSession(session: Session): Promise<void> {
    await conflictOnDuplicate('session', () =>
      this.sessions.insertMany([fromSession(session)], writeOptions(undefined)),
    );
  }

  override async findSession(id: string): Promise<Session | null> {
    const r = await this.sessions.findOne({ _id: id }).lean<SessionRecord>().exec();
    return r ? toSession(r) : null;
  }

  override async revokeSession(id: string, at: Date): Promise<void> {
    // Only an unrevoked session changes, so the first revocation time stays.
    await this.sessions
      .updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } }, writeOptions(undefined))
      .exec();
  }

  override async revokeUserSessions(tenantId: string, userId: string, at: Date): Promise<string[]> {
    const live = await this.sessions
      .find({ tenantId, userId, revokedAt: null }, { _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    const revoked: string[] = [];
    // One conditional update each: a session revoked meanwhile keeps its first revocation time.
    for (const { _id } of live) {
      const result = await this.sessions
        .updateOne({ _id, revokedAt: null }, { $set: { revokedAt: at } }, writeOptions(undefined))
        .exec();
      if (result.modifiedCount > 0) revoked.push(_id);
    }
    return revoked;
  }

  override async addRefreshToken(token: RefreshToken): Promise<void> {
    await conflictOnDuplicate('refresh token', () =>
      this.tokens.insertMany([fromRefreshToken(token)], writeOptions(undefined)),
    );
  }

  override async findRefreshToken(tokenHash: string): Promise<RefreshToken | null> {
    const r = await this.tokens.findOne({ _id: tokenHash }).lean<RefreshTokenRecord>().exec();
    return r ? toRefreshToken(r) : null;
  }

  override async markRefreshTokenUsed(tokenHash: string, at: Date): Promise<boolean> {
    // A single conditional update: of concurrent exchanges exactly one matches `usedAt: null`.
    const result = await this.tokens
      .updateOne(
        { _id: tokenHash, usedAt: null },
        { $set: { usedAt: at } },
        writeOptions(undefined),
      )
      .exec();
    return result.modifiedCount === 1;
  }
}
