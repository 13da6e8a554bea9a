// Tells a reporter, live, what was done about their report (ReportResolved on chatEvents).
import { useEffect, useState } from 'react';
import type { ReportOutcome } from '@chatter/client';
import { useChat } from '../app/services';
import './report-outcome-notice.css';

const OUTCOME_TEXT: Record<ReportOutcome, string> = {
  DISMISSED: 'The moderators looked at it and took no action.',
  MESSAGE_DELETED: 'The message was removed.',
  USER_SUSPENDED: 'The person was suspended.',
  USER_BANNED: 'The person was banned.',
};

export function reportOutcomeText(outcome: ReportOutcome | null | undefined): string {
  return outcome ? OUTCOME_TEXT[outcome] : 'It was reviewed.';
}

export function ReportOutcomeNotice() {
  const { realtime } = useChat();
  const [notices, setNotices] = useState<{ id: string; text: string }[]>([]);
  useEffect(
    () =>
      realtime.onReportResolved((event) => {
        const { id, outcome } = event.report;
        setNotices((list) => [
          ...list.filter((n) => n.id !== id).slice(-2),
          { id, text: reportOutcomeText(outcome) },
        ]);
      }),
    [realtime],
  );
  if (notices.length === 0) return null;
  return (
    <div className="report-outcome" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className="report-outcome__item card" role="status">
          <strong>Your report was reviewed.</strong> <span>{n.text}</span>
          <button
            type="button"
            className="button button--small"
            onClick={() => setNotices((list) => list.filter((x) => x.id !== n.id))}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
