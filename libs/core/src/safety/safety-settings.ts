import { invalid } from '../shared/domain-error';
import { TenantId, UserId } from '../shared/ids';
import { AttachmentKind } from '../media/attachment';
import { foldWord } from './word-filter';

/** What the word filter does with a message or title that contains a listed word. */
export type WordFilterMode = 'OFF' | 'BLOCK' | 'MASK';
export const WORD_FILTER_MODES: readonly WordFilterMode[] = ['OFF', 'BLOCK', 'MASK'];

/** Who may create public channels in a tenant. */
export type ChannelCreationPolicy = 'EVERYONE' | 'ADMINS';
export const CHANNEL_CREATION_POLICIES: readonly ChannelCreationPolicy[] = ['EVERYONE', 'ADMINS'];

/** Every kind of attachment, in the order settings list them. */
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['IMAGE', 'AUDIO', 'VIDEO', 'FILE'];

export const MAX_FILTER_WORDS = 500;
export const MAX_FILTER_WORD_LENGTH = 50;
export const MAX_RETENTION_DAYS = 36_500;

/** A tenant's safety settings. A tenant that never changed them has the defaults. */
export interface TenantSafetySettings {
  tenantId: TenantId;
  wordFilterMode: WordFilterMode;
  /** Words and phrases as the admin wrote them (trimmed); matched as `WordFilter` describes. */
  filterWords: string[];
  /** Messages older than this many days are deleted; null keeps them. */
  messageRetentionDays: number | null;
  channelCreation: ChannelCreationPolicy;
  /**
   * Kinds of attachment members may share (all by default; none turns file sharing off).
   * Checked on the declared type at createUpload and on the sniffed one at finalizeUpload.
   */
  allowedAttachmentKinds: AttachmentKind[];
  /** Who changed them last (null: an operator, or never changed). */
  updatedBy: UserId | null;
  updatedAt: Date | null;
}

export const defaultSafetySettings = (tenantId: TenantId): TenantSafetySettings => ({
  tenantId,
  wordFilterMode: 'OFF',
  filterWords: [],
  messageRetentionDays: null,
  channelCreation: 'EVERYONE',
  allowedAttachmentKinds: [...ATTACHMENT_KINDS],
  updatedBy: null,
  updatedAt: null,
});

/** A change: fields left undefined keep their value. */
export interface SafetySettingsChange {
  wordFilterMode?: WordFilterMode | null;
  filterWords?: readonly string[] | null;
  /** 0 or null turns retention off. */
  messageRetentionDays?: number | null;
  channelCreation?: ChannelCreationPolicy | null;
  /** Replaces the list; an empty list turns file sharing off. */
  allowedAttachmentKinds?: readonly AttachmentKind[] | null;
}

/** Validates a list of attachment kinds: known ones only, returned once each in canonical order. */
export function checkAttachmentKinds(kinds: readonly unknown[]): AttachmentKind[] {
  if (!Array.isArray(kinds))
    throw invalid('allowedAttachmentKinds', 'allowedAttachmentKinds must be a list');
  for (const k of kinds) {
    if (!ATTACHMENT_KINDS.includes(k as AttachmentKind))
      throw invalid('allowedAttachmentKinds', 'unknown attachment kind');
  }
  return ATTACHMENT_KINDS.filter((k) => kinds.includes(k));
}

export const sameKinds = (a: readonly AttachmentKind[], b: readonly AttachmentKind[]): boolean =>
  a.length === b.length && a.every((k, i) => k === b[i]);

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** Validates a word list: trimmed, NFC, deduplicated by folded form, capped in count and length. */
export function checkFilterWords(words: readonly string[]): string[] {
  if (!Array.isArray(words)) throw invalid('filterWords', 'filterWords must be a list');
  if (words.length > MAX_FILTER_WORDS)
    throw invalid('filterWords', `at most ${MAX_FILTER_WORDS} words`);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of words) {
    if (typeof raw !== 'string') throw invalid('filterWords', 'each word must be a string');
    const word = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
    if (word === '') continue;
    if (
      CONTROL.test(word) ||
      /[\uD800-\uDFFF]/.test(word.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))
    )
      throw invalid('filterWords', 'a word contains control characters');
    if ([...word].length > MAX_FILTER_WORD_LENGTH)
      throw invalid('filterWords', `each word has at most ${MAX_FILTER_WORD_LENGTH} characters`);
    const folded = foldWord(word);
    if (!/[\p{L}\p{N}]/u.test(folded))
      throw invalid('filterWords', 'each word needs at least one letter or digit');
    if (seen.has(folded)) continue;
    seen.add(folded);
    out.push(word);
  }
  return out;
}

export function applySafetyChange(
  current: TenantSafetySettings,
  change: SafetySettingsChange,
): Omit<TenantSafetySettings, 'updatedBy' | 'updatedAt'> {
  const next = {
    ...current,
    filterWords: [...current.filterWords],
    allowedAttachmentKinds: [...current.allowedAttachmentKinds],
  };
  if (change.wordFilterMode !== undefined && change.wordFilterMode !== null) {
    if (!WORD_FILTER_MODES.includes(change.wordFilterMode))
      throw invalid('wordFilterMode', 'unknown word filter mode');
    next.wordFilterMode = change.wordFilterMode;
  }
  if (change.filterWords !== undefined && change.filterWords !== null)
    next.filterWords = checkFilterWords(change.filterWords);
  if (change.messageRetentionDays !== undefined) {
    const days = change.messageRetentionDays;
    if (days === null || days === 0) next.messageRetentionDays = null;
    else if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)
      throw invalid(
        'messageRetentionDays',
        `retention is 1–${MAX_RETENTION_DAYS} days, or 0 for off`,
      );
    else next.messageRetentionDays = days;
  }
  if (change.channelCreation !== undefined && change.channelCreation !== null) {
    if (!CHANNEL_CREATION_POLICIES.includes(change.channelCreation))
      throw invalid('channelCreation', 'unknown channel creation policy');
    next.channelCreation = change.channelCreation;
  }
  if (change.allowedAttachmentKinds !== undefined && change.allowedAttachmentKinds !== null)
    next.allowedAttachmentKinds = checkAttachmentKinds(change.allowedAttachmentKinds);
  return next;
}
