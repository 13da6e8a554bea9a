import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { OidcTicketKind } from '@chatter/core';

export const OIDC_PROVIDER_MODEL = 'OidcProvider';
export const OIDC_IDENTITY_MODEL = 'OidcIdentity';
export const OIDC_TICKET_MODEL = 'OidcTicket';

/** A tenant's OpenID Connect provider; the client secret is stored like the tenant's other secrets. */
@Schema({ collection: 'oidc_providers', versionKey: false })
export class OidcProviderRecord {
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) providerId!: string;
  @Prop({ type: String, required: true }) displayName!: string;
  @Prop({ type: String, required: true }) issuer!: string;
  @Prop({ type: String, required: true }) clientId!: string;
  @Prop({ type: String, default: '' }) clientSecret!: string;
  @Prop({ type: [String], default: [] }) allowedDomains!: string[];
  @Prop({ type: Boolean, required: true }) autoLinkVerifiedEmail!: boolean;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, required: true }) updatedAt!: Date;
}

export const OidcProviderSchema = SchemaFactory.createForClass(OidcProviderRecord);
OidcProviderSchema.index({ tenantId: 1, providerId: 1 }, { name: 'tenant_provider', unique: true });

/** A user's account at a provider, keyed by (tenant, issuer, subject). */
@Schema({ collection: 'oidc_identities', versionKey: false })
export class OidcIdentityRecord {
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) issuer!: string;
  @Prop({ type: String, required: true }) subject!: string;
  @Prop({ type: String, required: true }) userId!: string;
  @Prop({ type: String, required: true }) providerId!: string;
  @Prop({ type: String, default: null }) email!: string | null;
  @Prop({ type: Boolean, required: true }) emailVerified!: boolean;
  @Prop({ type: Date, required: true }) createdAt!: Date;
}

export const OidcIdentitySchema = SchemaFactory.createForClass(OidcIdentityRecord);
OidcIdentitySchema.index(
  { tenantId: 1, issuer: 1, subject: 1 },
  { name: 'tenant_issuer_subject', unique: true },
);
OidcIdentitySchema.index(
  { tenantId: 1, userId: 1, providerId: 1 },
  { name: 'tenant_user_provider', unique: true },
);
OidcIdentitySchema.index({ tenantId: 1, email: 1, createdAt: 1 }, { name: 'tenant_email' });

/** A single-use flow or hand-off ticket; expired ones are removed by the TTL index too. */
@Schema({ collection: 'oidc_tickets', versionKey: false })
export class OidcTicketRecord {
  @Prop({ type: String, required: true, enum: ['FLOW', 'HANDOFF'] }) kind!: OidcTicketKind;
  @Prop({ type: String, required: true }) keyHash!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) payload!: string;
  @Prop({ type: Date, required: true }) expiresAt!: Date;
}

export const OidcTicketSchema = SchemaFactory.createForClass(OidcTicketRecord);
OidcTicketSchema.index({ kind: 1, keyHash: 1 }, { name: 'kind_key', unique: true });
OidcTicketSchema.index({ expiresAt: 1 }, { name: 'expiry', expireAfterSeconds: 0 });
