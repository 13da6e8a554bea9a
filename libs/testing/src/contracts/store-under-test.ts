import {
  AttachmentRepository,
  BlockRepository,
  CallRepository,
  BotRepository,
  WebhookRepository,
  WebhookQueueRepository,
  IncomingWebhookRepository,
  LinkPreviewRepository,
  ContactRepository,
  ConversationRepository,
  DomainErrorCode,
  MessageRepository,
  PollRepository,
  NotificationRepository,
  SessionRepository,
  TenantRepository,
  TenantRoleRepository,
  SanctionRepository,
  AuditLogRepository,
  ReportRepository,
  OidcRepository,
  ScheduledMessageRepository,
  SafetySettingsRepository,
  StarRepository,
  ThreadFollowRepository,
  User,
  UserRepository,
} from '@chatter/core';
import { afterEach, beforeEach, expect } from 'vitest';
import { aUser } from '../builders';

/** One store's repositories, as the contract suites exercise them. */
export interface StoreUnderTest {
  tenants: TenantRepository;
  users: UserRepository;
  sessions: SessionRepository;
  contacts: ContactRepository;
  blocks: BlockRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  attachments: AttachmentRepository;
  calls: CallRepository;
  polls: PollRepository;
  notifications: NotificationRepository;
  tenantRoles: TenantRoleRepository;
  sanctions: SanctionRepository;
  auditLog: AuditLogRepository;
  reports: ReportRepository;
  scheduledMessages: ScheduledMessageRepository;
  safetySettings: SafetySettingsRepository;
  threadFollows: ThreadFollowRepository;
  stars: StarRepository;
  bots: BotRepository;
  webhooks: WebhookRepository;
  webhookQueue: WebhookQueueRepository;
  incomingWebhooks: IncomingWebhookRepository;
  linkPreviews: LinkPreviewRepository;
  oidc: OidcRepository;
  /** Releases what `makeStore` acquired (connections, files, databases). */
  cleanup(): Promise<void>;
}

export type MakeStore = () => Promise<StoreUnderTest>;

/** Gives each test a fresh store and cleans it up afterwards; returns the accessor. */
export function useStore(makeStore: MakeStore): () => StoreUnderTest {
  let store: StoreUnderTest | null = null;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    const s = store;
    store = null;
    await s?.cleanup();
  });
  return () => {
    if (!store) throw new Error('store used outside a test');
    return store;
  };
}

/** Creates `n` users in the tenant (in creation order). */
export async function seedUsers(
  store: StoreUnderTest,
  tenantId: string,
  n: number,
): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < n; i++) users.push(await store.users.create(aUser(tenantId)));
  return users;
}

/** Asserts that the promise rejects with a DomainError of the given code. */
export async function expectDomainError(
  promise: Promise<unknown>,
  code: DomainErrorCode,
): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'DomainError', code });
}
