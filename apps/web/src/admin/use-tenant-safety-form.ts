// The tenant settings form's state: loaded from the server, edited locally, saved in one change.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  TenantSafetySettingsDocument,
  UpdateTenantSafetySettingsDocument,
  type AttachmentKind,
  type ChannelCreationPolicy,
  type WordFilterMode,
} from '@chatter/client';
import { describeError } from '../apollo/errors';

export interface SafetyDraft {
  wordFilterMode: WordFilterMode;
  /** One word or phrase per line. */
  words: string;
  /** Days as typed; empty or 0 means off. */
  retentionDays: string;
  channelCreation: ChannelCreationPolicy;
  allowedAttachmentKinds: AttachmentKind[];
}

/** The word list as the server takes it: one entry per non-blank line. */
export const wordsOf = (text: string): string[] =>
  text
    .split('\n')
    .map((w) => w.trim())
    .filter((w) => w !== '');

export function useTenantSafetyForm() {
  const { data, loading, error } = useQuery(TenantSafetySettingsDocument, {
    fetchPolicy: 'network-only',
  });
  const [save, saving] = useMutation(UpdateTenantSafetySettingsDocument);
  const [draft, setDraft] = useState<SafetyDraft | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const settings = data?.tenantSafetySettings;

  useEffect(() => {
    if (!settings) return;
    setDraft({
      wordFilterMode: settings.wordFilterMode,
      words: settings.filterWords.join('\n'),
      retentionDays:
        settings.messageRetentionDays === null || settings.messageRetentionDays === undefined
          ? ''
          : String(settings.messageRetentionDays),
      channelCreation: settings.channelCreation,
      allowedAttachmentKinds: [...settings.allowedAttachmentKinds],
    });
  }, [settings]);

  const update = (patch: Partial<SafetyDraft>) => {
    setStatus(null);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };

  const submit = async () => {
    if (!draft) return;
    const days = draft.retentionDays.trim() === '' ? 0 : Number(draft.retentionDays);
    try {
      const result = await save({
        variables: {
          input: {
            wordFilterMode: draft.wordFilterMode,
            filterWords: wordsOf(draft.words),
            messageRetentionDays: Number.isInteger(days) ? days : -1,
            channelCreation: draft.channelCreation,
            allowedAttachmentKinds: draft.allowedAttachmentKinds,
          },
        },
      });
      const saved = result.data?.updateTenantSafetySettings;
      if (saved) update({ words: saved.filterWords.join('\n') });
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      setStatus({ ok: false, text: describeError(e) });
    }
  };

  return {
    draft,
    update,
    submit,
    status,
    loading,
    saving: saving.loading,
    loadError: error ? describeError(error) : null,
  };
}
