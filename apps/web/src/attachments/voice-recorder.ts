// Records a voice note with the browser's MediaRecorder: the microphone stays open only while
// recording, and the note comes back as a WebM/Ogg/MP4 audio file with its length.
import { useEffect, useRef, useState } from 'react';

export interface VoiceNote {
  file: File;
  durationMs: number;
}

/** The first container this browser records audio into (Chromium and Firefox: WebM/Opus). */
function pickMimeType(): string {
  const candidates = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
  return candidates.find((t) => MediaRecorder.isTypeSupported?.(t)) ?? '';
}

const EXTENSION: Record<string, string> = {
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
};

export const canRecordVoice = (): boolean =>
  typeof window !== 'undefined' &&
  typeof window.MediaRecorder === 'function' &&
  Boolean(navigator.mediaDevices?.getUserMedia);

export function useVoiceRecorder(onNote: (note: VoiceNote) => void) {
  const [recording, setRecording] = useState(false);
  const [elapsedMs, setElapsedMs] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const session = useRef<{
    recorder: MediaRecorder;
    stream: MediaStream;
    startedAt: number;
    keep: boolean;
    timer: ReturnType<typeof setInterval>;
  } | null>(null);

  const release = () => {
    const s = session.current;
    if (!s) return;
    clearInterval(s.timer);
    s.stream.getTracks().forEach((t) => t.stop());
    session.current = null;
    setRecording(false);
  };

  const start = async () => {
    if (session.current) return;
    setError(null);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setError('Chatter may not use the microphone. Allow it in the browser to record.');
      return;
    }
    const mimeType = pickMimeType();
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const chunks: Blob[] = [];
    const startedAt = Date.now();
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    recorder.onstop = () => {
      const s = session.current;
      const keep = s?.keep ?? false;
      const durationMs = Date.now() - startedAt;
      release();
      if (!keep || chunks.length === 0) return;
      const type = (recorder.mimeType || mimeType || 'audio/webm').split(';')[0]!;
      const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
      const file = new File(chunks, `voice-note-${stamp}.${EXTENSION[type] ?? 'webm'}`, { type });
      onNote({ file, durationMs });
    };
    session.current = {
      recorder,
      stream,
      startedAt,
      keep: false,
      timer: setInterval(() => setElapsedMs(Date.now() - startedAt), 250),
    };
    setElapsedMs(0);
    setRecording(true);
    recorder.start(250);
  };

  /** Ends the recording: `keep` sends it, otherwise it is thrown away. */
  const stop = (keep: boolean) => {
    const s = session.current;
    if (!s) return;
    s.keep = keep;
    if (s.recorder.state !== 'inactive') s.recorder.stop();
    else release();
  };

  // Leaving the conversation mid-recording throws the recording away and frees the microphone.
  useEffect(() => () => stop(false), []); // eslint-disable-line react-hooks/exhaustive-deps

  return { recording, elapsedMs, error, start, stop };
}
