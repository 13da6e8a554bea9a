import { useMutation, useQuery } from '@apollo/client';
import {
  DisappearingTimersDocument,
  UpdateConversationDocument,
  type ConversationFieldsFragment,
} from '@chatter/client';
import { describeError } from '../apollo/errors';
import { timerLabel } from './timer-label';

/**
 * The disappearing-messages timer of a conversation, in its details: admins of groups and
 * channels (either member of a direct chat) choose off or one of the server's timers; everyone
 * else sees the current setting.
 */
export function DisappearingSetting({
  conversation: c,
  canChange,
  onError,
}: {
  conversation: ConversationFieldsFragment;
  canChange: boolean;
  onError: (e: string | null) => void;
}) {
  const { data } = useQuery(DisappearingTimersDocument, { skip: !canChange });
  const [update, { loading }] = useMutation(UpdateConversationDocument);
  const current = c.disappearAfterSeconds ?? 0;
  const timers = data?.disappearingTimers ?? [];
  const options = [0, ...new Set([...timers, ...(current ? [current] : [])])].sort((a, b) => a - b);
  if (!canChange)
    return (
      <p className="muted disappearing-setting__state">
        Disappearing messages: {current ? timerLabel(current) : 'off'}
      </p>
    );
  return (
    <label className="field disappearing-setting">
      <span>Disappearing messages</span>
      <select
        className="input"
        value={current}
        disabled={loading}
        onChange={(e) => {
          onError(null);
          update({
            variables: {
              input: { conversationId: c.id, disappearAfterSeconds: Number(e.target.value) },
            },
          }).catch((err) => onError(describeError(err)));
        }}
      >
        {options.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? 'Off' : timerLabel(s)}
          </option>
        ))}
      </select>
    </label>
  );
}
