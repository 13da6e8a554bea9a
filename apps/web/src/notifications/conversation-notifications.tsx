import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  ConversationNotificationSettingsDocument,
  SetConversationNotificationsDocument,
  type NotifyLevel,
} from '@chatter/client';
import { describeError } from '../apollo/errors';
import './notifications.css';

const LEVEL_CHOICES: { value: NotifyLevel | ''; label: string }[] = [
  { value: '', label: 'My default' },
  { value: 'ALL', label: 'Every message' },
  { value: 'MENTIONS', label: 'Mentions only' },
  { value: 'NONE', label: 'Nothing' },
];

const SNOOZES: { label: string; ms: number | null }[] = [
  { label: 'Not snoozed', ms: null },
  { label: 'For 1 hour', ms: 3_600_000 },
  { label: 'For 8 hours', ms: 8 * 3_600_000 },
  { label: 'For 1 week', ms: 7 * 24 * 3_600_000 },
];

/** Details panel: what this conversation notifies about, and snoozing it for a while. */
export function ConversationNotifications({ conversationId }: { conversationId: string }) {
  const { data, refetch } = useQuery(ConversationNotificationSettingsDocument, {
    variables: { conversationId },
  });
  const [set, { loading }] = useMutation(SetConversationNotificationsDocument);
  const [error, setError] = useState<string | null>(null);
  const current = data?.conversationNotificationSettings;
  const until = current?.mutedUntil ? new Date(current.mutedUntil) : null;
  const snoozed = until !== null && until.getTime() > Date.now();

  const save = async (level: NotifyLevel | null, mutedUntil: Date | null) => {
    setError(null);
    try {
      await set({
        variables: {
          input: { conversationId, level, mutedUntil: mutedUntil?.toISOString() ?? null },
        },
      });
      await refetch();
    } catch (e) {
      setError(describeError(e));
    }
  };

  if (!current) return null;
  return (
    <div className="stack notification-settings conversation-notifications">
      <label className="field field--inline">
        <span>Notify me about</span>
        <select
          value={current.level ?? ''}
          disabled={loading}
          onChange={(e) =>
            void save((e.target.value || null) as NotifyLevel | null, snoozed ? until : null)
          }
        >
          {LEVEL_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field field--inline">
        <span>Snooze</span>
        <select
          value=""
          disabled={loading}
          onChange={(e) => {
            const choice = SNOOZES[Number(e.target.value)];
            if (!choice) return;
            void save(
              current.level ?? null,
              choice.ms === null ? null : new Date(Date.now() + choice.ms),
            );
          }}
        >
          <option value="" disabled>
            {snoozed ? `Until ${until.toLocaleString()}` : 'Not snoozed'}
          </option>
          {SNOOZES.map((s, i) => (
            <option key={s.label} value={i}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
