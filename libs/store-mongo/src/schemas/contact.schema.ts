import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const CONTACT_MODEL = 'Contact';
export const BLOCK_MODEL = 'Block';

/** One entry of a user's address book. */
@Schema({ collection: 'contacts', versionKey: false })
export class ContactRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  ownerId!: string;

  @Prop({ type: String, required: true })
  contactId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export const ContactSchema = SchemaFactory.createForClass(ContactRecord);
ContactSchema.index(
  { tenantId: 1, ownerId: 1, contactId: 1 },
  { name: 'tenant_owner_contact', unique: true },
);
// The address book, oldest first (keyset pagination on createdAt, contactId).
ContactSchema.index(
  { tenantId: 1, ownerId: 1, createdAt: 1, contactId: 1 },
  { name: 'tenant_owner_age' },
);

/** `blockerId` blocked `blockedId`. */
@Schema({ collection: 'blocks', versionKey: false })
export class BlockRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  blockerId!: string;

  @Prop({ type: String, required: true })
  blockedId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export const BlockSchema = SchemaFactory.createForClass(BlockRecord);
BlockSchema.index(
  { tenantId: 1, blockerId: 1, blockedId: 1 },
  { name: 'tenant_blocker_blocked', unique: true },
);
BlockSchema.index(
  { tenantId: 1, blockerId: 1, createdAt: -1, blockedId: -1 },
  { name: 'tenant_blocker_age' },
);
