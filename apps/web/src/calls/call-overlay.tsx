// What a call shows: the incoming-call screen, the call itself (full, or compact while the
// person browses other chats), and why it ended or failed.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CallController, CallState } from './call-controller';
import { formatDuration } from './call-errors';
import { CallIcon } from './call-icons';

const onHash = (l: () => void) => {
  window.addEventListener('hashchange', l);
  return () => window.removeEventListener('hashchange', l);
};
const getHash = () => window.location.hash;

export function CallOverlay({ controller }: { controller: CallController }) {
  const state = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const hash = useSyncExternalStore(onHash, getHash);
  const [minimized, setMinimized] = useState(false);
  useEffect(() => {
    if (state.phase === 'idle') setMinimized(false);
  }, [state.phase]);

  if (state.phase === 'idle') return null;
  if (state.phase === 'incoming') return <Incoming state={state} controller={controller} />;
  if (state.phase === 'ended')
    return (
      <div
        className={`call-toast ${state.error ? 'call-toast--error' : ''}`}
        role={state.error ? 'alert' : 'status'}
      >
        <strong>{state.peerName}</strong>
        <span>{state.message ?? 'Call ended'}</span>
      </div>
    );
  // Compact while browsing another chat (or when asked): the call goes on in a corner.
  const elsewhere = !!state.conversationId && !hash.includes(state.conversationId);
  const compact = minimized || elsewhere;
  return (
    <InCall
      state={state}
      controller={controller}
      compact={compact}
      onToggleSize={() => {
        if (compact && elsewhere && state.conversationId)
          window.location.hash = `#/c/${state.conversationId}`;
        setMinimized(!compact);
      }}
    />
  );
}

function Incoming({ state, controller }: { state: CallState; controller: CallController }) {
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => accept.current?.focus(), []);
  const what = state.media === 'VIDEO' ? 'Video call' : 'Voice call';
  return (
    <div className="call-incoming" role="alertdialog" aria-label={`Incoming ${what.toLowerCase()}`}>
      <div className="call-incoming__card">
        <div className="call-avatar" aria-hidden="true">
          {initials(state.peerName)}
        </div>
        <p className="call-incoming__name">{state.peerName}</p>
        <p className="call-incoming__what">Incoming {what.toLowerCase()}…</p>
        <div className="call-incoming__actions">
          <button
            type="button"
            className="call-round call-round--danger"
            aria-label="Decline"
            onClick={() => void controller.decline()}
          >
            <CallIcon name="hangUp" />
          </button>
          <button
            ref={accept}
            type="button"
            className="call-round call-round--accept"
            aria-label="Accept"
            onClick={() => void controller.accept()}
          >
            <CallIcon name={state.media === 'VIDEO' ? 'video' : 'phone'} />
          </button>
        </div>
      </div>
    </div>
  );
}

function InCall({
  state,
  controller,
  compact,
  onToggleSize,
}: {
  state: CallState;
  controller: CallController;
  compact: boolean;
  onToggleSize: () => void;
}) {
  const status =
    state.phase === 'active' && state.answeredAt !== null ? (
      <Timer since={state.answeredAt} />
    ) : state.phase === 'outgoing' ? (
      'Calling…'
    ) : (
      'Connecting…'
    );
  return (
    <section
      className={`call-view ${compact ? 'call-view--compact' : ''}`}
      aria-label={`Call with ${state.peerName}`}
    >
      <div className="call-view__stage">
        <Video stream={state.remoteStream} className="call-view__remote" label="remote" />
        {state.media === 'VOICE' && !compact && (
          <div className="call-avatar call-avatar--large" aria-hidden="true">
            {initials(state.peerName)}
          </div>
        )}
        {!compact && (
          <Video stream={state.localStream} className="call-view__local" label="local" muted />
        )}
      </div>
      <div className="call-view__bar">
        <div className="call-view__who">
          <strong>{state.peerName}</strong>
          <span className="call-view__status" aria-live="polite">
            {status}
          </span>
          {state.message && (
            <span className="call-view__message" role="alert">
              {state.message}
            </span>
          )}
        </div>
        <div className="call-view__controls">
          <button
            type="button"
            className={`call-round ${state.muted ? 'call-round--on' : ''}`}
            aria-label={state.muted ? 'Unmute' : 'Mute'}
            aria-pressed={state.muted}
            onClick={() => controller.toggleMute()}
          >
            <CallIcon name={state.muted ? 'micOff' : 'mic'} />
          </button>
          {!compact && (
            <button
              type="button"
              className={`call-round ${state.cameraOn ? '' : 'call-round--on'}`}
              aria-label={state.cameraOn ? 'Turn camera off' : 'Turn camera on'}
              aria-pressed={!state.cameraOn}
              onClick={() => void controller.toggleCamera()}
            >
              <CallIcon name={state.cameraOn ? 'video' : 'videoOff'} />
            </button>
          )}
          {!compact && <DevicePicker controller={controller} />}
          <button
            type="button"
            className="call-round"
            aria-label={compact ? 'Show call' : 'Minimize call'}
            onClick={onToggleSize}
          >
            <CallIcon name={compact ? 'expand' : 'shrink'} />
          </button>
          <button
            type="button"
            className="call-round call-round--danger"
            aria-label="Hang up"
            onClick={() => void controller.hangUp()}
          >
            <CallIcon name="hangUp" />
          </button>
        </div>
      </div>
    </section>
  );
}

function DevicePicker({ controller }: { controller: CallController }) {
  const [open, setOpen] = useState(false);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    if (!open) return;
    void navigator.mediaDevices
      ?.enumerateDevices()
      .then(setDevices)
      .catch(() => setDevices([]));
  }, [open]);
  const of = (kind: MediaDeviceKind) => devices.filter((d) => d.kind === kind && d.deviceId);
  return (
    <div className="call-devices">
      <button
        type="button"
        className="call-round"
        aria-label="Switch microphone or camera"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <CallIcon name="settings" />
      </button>
      {open && (
        <div className="call-devices__menu">
          {(['audioinput', 'videoinput'] as const).map((kind) => (
            <label key={kind}>
              {kind === 'audioinput' ? 'Microphone' : 'Camera'}
              <select
                onChange={(e) => void controller.switchDevice(kind, e.target.value)}
                defaultValue=""
              >
                <option value="" disabled>
                  Choose…
                </option>
                {of(kind).map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || `${kind === 'audioinput' ? 'Microphone' : 'Camera'} ${i + 1}`}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
    </div>
  );
}

function Video({
  stream,
  className,
  label,
  muted,
}: {
  stream: MediaStream | null;
  className: string;
  label: string;
  muted?: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && el.srcObject !== stream) el.srcObject = stream;
  });
  return (
    <video
      ref={ref}
      className={className}
      data-call-video={label}
      autoPlay
      playsInline
      muted={muted}
    />
  );
}

function Timer({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  return <span className="call-view__timer">{formatDuration((now - since) / 1000)}</span>;
}

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => [...w][0]!.toUpperCase())
      .join('') || '?'
  );
}
