import { randomUUID } from 'node:crypto';

export type TenantId = string;
export type UserId = string;
export type ConversationId = string;
export type MessageId = string;

export const newId = (): string => randomUUID();

/** Ids we generate are UUIDs; anything else is rejected before it reaches a store query. */
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isWellFormedId = (value: unknown): value is string =>
  typeof value === 'string' && ID_PATTERN.test(value);
