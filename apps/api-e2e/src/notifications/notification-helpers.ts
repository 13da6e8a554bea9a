import { LocalPushService, TestSubscription } from '@chatter/testing';
import { ApiProcess, gql, ok } from '../support';
import { User, newClientId } from '../messaging/messaging-helpers';

export interface Pushed {
  v: number;
  type: 'MESSAGE' | 'TEST';
  title: string;
  body: string;
  tag: string;
  url: string;
  conversationId: string | null;
  messageId: string | null;
  mention: boolean;
  /** The recipient's unread messages, muted conversations left out. */
  badge?: number | null;
}

const REGISTER =
  'mutation($i:RegisterPushDeviceInput!){ registerPushDevice(input:$i){ id label pushService } }';

/** Subscribes at the local push service (as a browser would) and registers the device. */
export async function registerDevice(
  api: ApiProcess,
  service: LocalPushService,
  who: User,
  label = 'e2e browser',
): Promise<TestSubscription & { deviceId: string }> {
  const sub = service.subscribe();
  const data = await ok<{ registerPushDevice: { id: string } }>(
    api,
    REGISTER,
    { i: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, label } },
    who.token,
  );
  return { ...sub, deviceId: data.registerPushDevice.id };
}

export async function sendText(
  api: ApiProcess,
  who: User,
  conversationId: string,
  body: string,
): Promise<{ id: string; seq: number }> {
  const data = await ok<{ sendMessage: { id: string; seq: number } }>(
    api,
    'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id seq } }',
    { c: conversationId, k: newClientId(), b: body },
    who.token,
  );
  return data.sendMessage;
}

export async function setLevel(
  api: ApiProcess,
  who: User,
  conversationId: string,
  level: 'ALL' | 'MENTIONS' | 'NONE' | null,
  mutedUntil: string | null = null,
): Promise<void> {
  await ok(
    api,
    'mutation($i:SetConversationNotificationsInput!){ setConversationNotifications(input:$i){ conversationId } }',
    { i: { conversationId, level, mutedUntil } },
    who.token,
  );
}

export async function updateSettings(
  api: ApiProcess,
  who: User,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const data = await ok<{ updateNotificationSettings: Record<string, unknown> }>(
    api,
    'mutation($i:UpdateNotificationSettingsInput!){ updateNotificationSettings(input:$i){ timeZone onlyIfUnread delaySeconds quietHours { startMinute endMinute } levels { direct group channel } } }',
    { i: input },
    who.token,
  );
  return data.updateNotificationSettings;
}

export const vapidPublicKey = async (api: ApiProcess, who: User): Promise<string | null> =>
  (await ok<{ vapidPublicKey: string | null }>(api, '{ vapidPublicKey }', {}, who.token))
    .vapidPublicKey;

export const devicesOf = async (api: ApiProcess, who: User): Promise<{ id: string }[]> =>
  (await ok<{ myPushDevices: { id: string }[] }>(api, '{ myPushDevices { id } }', {}, who.token))
    .myPushDevices;

export { gql };
