// Reporting someone else's message: a reason from the server's list, an optional note.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { ReportDocument, ReportReasonsDocument } from '@chatter/client';
import { Icon } from '../ui/icons';
import { describeError } from '../apollo/errors';

export function ReportMessageButton({ messageId }: { messageId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        tabIndex={-1}
        className="icon-button icon-button--small"
        aria-label="Report"
        onClick={() => setOpen(true)}
      >
        <Icon name="info" size={16} />
      </button>
      {open && <ReportDialog messageId={messageId} onClose={() => setOpen(false)} />}
    </>
  );
}

function ReportDialog({ messageId, onClose }: { messageId: string; onClose: () => void }) {
  const { data } = useQuery(ReportReasonsDocument);
  const [report, { loading }] = useMutation(ReportDocument);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const reasons = data?.reportReasons ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await report({ variables: { input: { messageId, reason, note: note.trim() || null } } });
      setStatus('Thanks. Moderators will look at it; you can follow it in Settings.');
      setTimeout(onClose, 1200);
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  return (
    <div className="report-dialog" role="dialog" aria-modal="true" aria-label="Report message">
      <form className="stack card" onSubmit={(e) => void submit(e)}>
        <h3 className="section-title">Report message</h3>
        <label className="field">
          <span>Reason</span>
          <select
            className="input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
          >
            <option value="" disabled>
              Choose a reason
            </option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Note (optional)</span>
          <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </label>
        {status && (
          <p className="form-notice" role="status">
            {status}
          </p>
        )}
        <div className="report-dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={!reason || loading}>
            Send report
          </button>
        </div>
      </form>
    </div>
  );
}
