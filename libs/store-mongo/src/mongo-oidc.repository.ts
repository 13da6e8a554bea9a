import { Injectable } from '@nestjs/common';
import {
  OidcIdentity,
  OidcProviderConfig,
  OidcRepository,
  OidcTicket,
  OidcTicketKind,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import {
  OIDC_IDENTITY_MODEL,
  OIDC_PROVIDER_MODEL,
  OIDC_TICKET_MODEL,
  OidcIdentityRecord,
  OidcProviderRecord,
  OidcTicketRecord,
} from './schemas/oidc.schema';

const toProvider = (r: OidcProviderRecord): OidcProviderConfig => ({
  tenantId: r.tenantId,
  id: r.providerId,
  displayName: r.displayName,
  issuer: r.issuer,
  clientId: r.clientId,
  clientSecret: r.clientSecret ?? '',
  allowedDomains: [...(r.allowedDomains ?? [])],
  autoLinkVerifiedEmail: r.autoLinkVerifiedEmail,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const toIdentity = (r: OidcIdentityRecord): OidcIdentity => ({
  tenantId: r.tenantId,
  userId: r.userId,
  providerId: r.providerId,
  issuer: r.issuer,
  subject: r.subject,
  email: r.email ?? null,
  emailVerified: r.emailVerified,
  createdAt: r.createdAt,
});

@Injectable()
export class MongoOidcRepository extends OidcRepository {
  constructor(
    @InjectStoreModel(OIDC_PROVIDER_MODEL) private readonly providers: Model<OidcProviderRecord>,
    @InjectStoreModel(OIDC_IDENTITY_MODEL) private readonly identities: Model<OidcIdentityRecord>,
    @InjectStoreModel(OIDC_TICKET_MODEL) private readonly tickets: Model<OidcTicketRecord>,
  ) {
    super();
  }

  override async saveProvider(p: OidcProviderConfig): Promise<OidcProviderConfig> {
    const r = await this.providers
      .findOneAndUpdate(
        { tenantId: p.tenantId, providerId: p.id },
        {
          $set: {
            displayName: p.displayName,
            issuer: p.issuer,
            clientId: p.clientId,
            clientSecret: p.clientSecret,
            allowedDomains: p.allowedDomains,
            autoLinkVerifiedEmail: p.autoLinkVerifiedEmail,
            updatedAt: p.updatedAt,
          },
          $setOnInsert: { createdAt: p.createdAt },
        },
        { new: true, upsert: true, ...writeOptions(undefined) },
      )
      .lean<OidcProviderRecord>()
      .exec();
    return toProvider(r!);
  }

  override async findProvider(tenantId: string, id: string): Promise<OidcProviderConfig | null> {
    const r = await this.providers
      .findOne({ tenantId, providerId: id })
      .lean<OidcProviderRecord>()
      .exec();
    return r ? toProvider(r) : null;
  }

  override async listProviders(tenantId: string): Promise<OidcProviderConfig[]> {
    const rs = await this.providers
      .find({ tenantId })
      .sort({ providerId: 1 })
      .lean<OidcProviderRecord[]>()
      .exec();
    return rs.map(toProvider);
  }

  override async removeProvider(tenantId: string, id: string): Promise<boolean> {
    const result = await this.providers
      .deleteOne({ tenantId, providerId: id }, writeOptions(undefined))
      .exec();
    return result.deletedCount > 0;
  }

  override async addIdentity(identity: OidcIdentity): Promise<OidcIdentity> {
    await conflictOnDuplicate('linked account', () =>
      this.identities.create([{ ...identity }], writeOptions(undefined)),
    );
    return identity;
  }

  override async findIdentity(
    tenantId: string,
    issuer: string,
    subject: string,
  ): Promise<OidcIdentity | null> {
    const r = await this.identities
      .findOne({ tenantId, issuer, subject })
      .lean<OidcIdentityRecord>()
      .exec();
    return r ? toIdentity(r) : null;
  }

  override async findIdentityByVerifiedEmail(
    tenantId: string,
    email: string,
  ): Promise<OidcIdentity | null> {
    const r = await this.identities
      .findOne({ tenantId, email, emailVerified: true })
      .sort({ createdAt: 1, userId: 1 })
      .lean<OidcIdentityRecord>()
      .exec();
    return r ? toIdentity(r) : null;
  }

  override async listIdentities(tenantId: string, userId: string): Promise<OidcIdentity[]> {
    const rs = await this.identities
      .find({ tenantId, userId })
      .sort({ createdAt: 1, providerId: 1 })
      .lean<OidcIdentityRecord[]>()
      .exec();
    return rs.map(toIdentity);
  }

  override async removeIdentity(
    tenantId: string,
    userId: string,
    providerId: string,
  ): Promise<boolean> {
    const result = await this.identities
      .deleteOne({ tenantId, userId, providerId }, writeOptions(undefined))
      .exec();
    return result.deletedCount > 0;
  }

  override async putTicket(ticket: OidcTicket): Promise<void> {
    await conflictOnDuplicate('ticket', () =>
      this.tickets.create([{ ...ticket }], writeOptions(undefined)),
    );
  }

  override async takeTicket(
    kind: OidcTicketKind,
    keyHash: string,
    now: Date,
  ): Promise<OidcTicket | null> {
    // Read, then delete by the read id: of two concurrent callers only the one whose delete
    // removed the document gets it.
    const r = await this.tickets
      .findOne({ kind, keyHash })
      .lean<OidcTicketRecord & { _id: unknown }>()
      .exec();
    if (!r) return null;
    const removed = await this.tickets.deleteOne({ _id: r._id }, writeOptions(undefined)).exec();
    if (removed.deletedCount !== 1) return null;
    if (!r || r.expiresAt.getTime() <= now.getTime()) return null;
    return {
      kind: r.kind,
      keyHash: r.keyHash,
      tenantId: r.tenantId,
      payload: r.payload,
      expiresAt: r.expiresAt,
    };
  }
}
