import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  NotificationSetupDocument,
  RegisterPushDeviceDocument,
  SendTestNotificationDocument,
  UnregisterPushDeviceDocument,
  UpdateNotificationSettingsDocument,
  type NotifyLevel,
} from '@chatter/client';
import { describeError } from '../apollo/errors';
import { pushRegistration } from './register-service-worker';
import { minutesToTime, timeToMinutes } from './quiet-hours';
import { EmailDigestSection } from './email-digest-section';
import './notifications.css';

type Permission = NotificationPermission | 'unsupported';

/** The id this browser's subscription was registered under. */
const DEVICE_KEY = 'chatter.pushDeviceId';

const LEVELS: { value: NotifyLevel; label: string }[] = [
  { value: 'ALL', label: 'Every message' },
  { value: 'MENTIONS', label: 'Only mentions of me' },
  { value: 'NONE', label: 'Nothing' },
];
const KINDS = [
  { key: 'direct', label: 'Direct chats' },
  { key: 'group', label: 'Groups' },
  { key: 'channel', label: 'Channels' },
] as const;

const currentPermission = (): Permission =>
  typeof Notification === 'undefined' || !('serviceWorker' in navigator)
    ? 'unsupported'
    : Notification.permission;

const deviceLabel = (): string => {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
};

/**
 * Notifications in Settings: this device (permission asked only when the user turns them on,
 * with what it means said first), my other devices, and my defaults (levels, quiet hours, the
 * unread delay).
 */
export function NotificationSettingsSection() {
  const { data, refetch } = useQuery(NotificationSetupDocument);
  const [register] = useMutation(RegisterPushDeviceDocument);
  const [unregister] = useMutation(UnregisterPushDeviceDocument);
  const [sendTest] = useMutation(SendTestNotificationDocument);
  const [updateSettings, { loading: saving }] = useMutation(UpdateNotificationSettingsDocument);
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const [thisEndpoint, setThisEndpoint] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);

  const settings = data?.notificationSettings;
  const devices = data?.myPushDevices ?? [];
  const vapidKey = data?.vapidPublicKey ?? null;

  useEffect(() => {
    void pushRegistration().then(async (reg) => {
      const sub = await reg?.pushManager.getSubscription();
      setThisEndpoint(sub?.endpoint ?? null);
    });
  }, []);

  const storedId = localStorage.getItem(DEVICE_KEY);
  const thisDevice = devices.find((d) => d.id === storedId) ?? null;
  const subscribedHere = thisEndpoint !== null && thisDevice !== null;

  const fail = (e: unknown) => setMessage({ kind: 'error', text: describeError(e) });

  const turnOn = async () => {
    setMessage(null);
    setBusy(true);
    try {
      const result = await Notification.requestPermission();
      setPermission(result);
      if (result !== 'granted') return;
      const reg = await pushRegistration();
      if (!reg || !vapidKey) throw new Error('Push is not available in this browser or server.');
      await navigator.serviceWorker.ready;
      const sub =
        (await reg.pushManager.getSubscription()) ??
        (await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: vapidKey,
        }));
      const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
      const { data: registered } = await register({
        variables: {
          input: {
            endpoint: json.endpoint,
            p256dh: json.keys.p256dh,
            auth: json.keys.auth,
            label: deviceLabel(),
          },
        },
      });
      if (registered) localStorage.setItem(DEVICE_KEY, registered.registerPushDevice.id);
      setThisEndpoint(json.endpoint);
      await refetch();
      setMessage({ kind: 'notice', text: 'Notifications are on for this device.' });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const turnOffHere = async () => {
    setMessage(null);
    const reg = await pushRegistration();
    const sub = await reg?.pushManager.getSubscription();
    await sub?.unsubscribe().catch(() => undefined);
    if (thisDevice) await unregister({ variables: { id: thisDevice.id } }).catch(() => undefined);
    localStorage.removeItem(DEVICE_KEY);
    setThisEndpoint(null);
    setMessage({ kind: 'notice', text: 'Notifications are off for this device.' });
    await refetch();
  };

  const remove = async (id: string) => {
    try {
      await unregister({ variables: { id } });
      await refetch();
    } catch (e) {
      fail(e);
    }
  };

  const test = async () => {
    setMessage(null);
    try {
      const { data: sent } = await sendTest({ variables: { deviceId: null } });
      setMessage({
        kind: 'notice',
        text: `Test notification sent to ${sent?.sendTestNotification ?? 0} device(s).`,
      });
    } catch (e) {
      fail(e);
    }
  };

  const save = async (input: Record<string, unknown>) => {
    setMessage(null);
    try {
      await updateSettings({ variables: { input } });
      await refetch();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <section className="stack card notification-settings" aria-labelledby="notifications-title">
      <h3 className="section-title" id="notifications-title">
        Notifications
      </h3>
      <div className="stack" data-testid="push-permission">
        {permission === 'unsupported' || !vapidKey ? (
          <p className="muted">
            {permission === 'unsupported'
              ? 'This browser cannot show notifications from Chatter. Install Chatter as an app, or use a current Chrome, Edge, Firefox or Safari.'
              : 'Push notifications are not set up on this server.'}
          </p>
        ) : permission === 'denied' ? (
          <p className="muted">
            Notifications are blocked for this site. To get them, allow notifications in your
            browser’s site settings (the icon left of the address), then reload.
          </p>
        ) : subscribedHere && permission === 'granted' ? (
          <>
            <p>
              <strong>On for this device.</strong>{' '}
              <span className="muted">
                You are told about new messages when Chatter is not open in front of you.
              </span>
            </p>
            <div className="button-row">
              <button type="button" className="button" onClick={() => void test()}>
                Send a test notification
              </button>
              <button
                type="button"
                className="button button--ghost"
                onClick={() => void turnOffHere()}
              >
                Turn off here
              </button>
            </div>
          </>
        ) : (
          <>
            <p className="muted">
              Get a notification when someone writes to you while Chatter is closed or in the
              background. Your browser will ask for permission next; you can turn it off again here
              at any time.
            </p>
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => void turnOn()}
            >
              Turn on notifications
            </button>
          </>
        )}
      </div>

      {devices.length > 0 && (
        <div className="stack">
          <h4 className="subsection-title">My devices</h4>
          <ul className="device-list">
            {devices.map((d) => (
              <li key={d.id} className="device-row">
                <span>
                  <strong>{d.label}</strong>
                  <span className="muted">
                    {' '}
                    · since {new Date(d.createdAt).toLocaleDateString()}
                    {d === thisDevice ? ' · this device' : ''}
                  </span>
                </span>
                <button
                  type="button"
                  className="button button--ghost"
                  aria-label={`Remove ${d.label}`}
                  onClick={() => void remove(d.id)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {settings && (
        <div className="stack">
          <h4 className="subsection-title">Notify me about</h4>
          {KINDS.map((k) => (
            <label key={k.key} className="field field--inline">
              <span>{k.label}</span>
              <select
                value={settings.levels[k.key]}
                disabled={saving}
                onChange={(e) => void save({ levels: { [k.key]: e.target.value } })}
              >
                {LEVELS.map((l) => (
                  <option key={l.value} value={l.value}>
                    {l.label}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <label className="check-row">
            <input
              type="checkbox"
              checked={settings.onlyIfUnread}
              onChange={(e) => void save({ onlyIfUnread: e.target.checked })}
            />
            <span>
              Only if still unread after{' '}
              <input
                className="inline-number"
                type="number"
                min={0}
                max={3600}
                aria-label="Seconds to wait"
                defaultValue={settings.delaySeconds}
                key={settings.delaySeconds}
                onBlur={(e) => {
                  const n = Number(e.target.value);
                  if (Number.isInteger(n) && n !== settings.delaySeconds && n >= 0 && n <= 3600)
                    void save({ delaySeconds: n });
                }}
              />{' '}
              seconds and I am not using Chatter on another device
            </span>
          </label>
          <label className="check-row">
            <input
              type="checkbox"
              checked={settings.quietHours !== null}
              onChange={(e) =>
                void save(
                  e.target.checked
                    ? {
                        quietHours: { startMinute: 22 * 60, endMinute: 7 * 60 },
                        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                      }
                    : { clearQuietHours: true },
                )
              }
            />
            <span>Do not disturb at night</span>
          </label>
          {settings.quietHours && (
            <div className="quiet-hours">
              <label className="field field--inline">
                <span>From</span>
                <input
                  type="time"
                  defaultValue={minutesToTime(settings.quietHours.startMinute)}
                  onBlur={(e) => {
                    const m = timeToMinutes(e.target.value);
                    if (m !== null)
                      void save({
                        quietHours: { startMinute: m, endMinute: settings.quietHours!.endMinute },
                      });
                  }}
                />
              </label>
              <label className="field field--inline">
                <span>To</span>
                <input
                  type="time"
                  defaultValue={minutesToTime(settings.quietHours.endMinute)}
                  onBlur={(e) => {
                    const m = timeToMinutes(e.target.value);
                    if (m !== null)
                      void save({
                        quietHours: { startMinute: settings.quietHours!.startMinute, endMinute: m },
                      });
                  }}
                />
              </label>
              <span className="muted">{settings.timeZone}</span>
            </div>
          )}
          <p className="muted">
            Muted conversations never notify and never count toward the app badge.
          </p>
        </div>
      )}
      {message && (
        <p
          className={message.kind === 'error' ? 'form-error' : 'form-notice'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
      <EmailDigestSection />
    </section>
  );
}
