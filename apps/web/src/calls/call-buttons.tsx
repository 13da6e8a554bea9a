// Voice and video call buttons for a direct conversation's header.
import { useCallController, useCallState } from './call-context';
import { CallIcon } from './call-icons';
import type { CallController } from './call-controller';

export function CallButtons(props: { conversationId: string; peerId: string; disabled?: boolean }) {
  const controller = useCallController();
  if (!controller) return null;
  return <Buttons controller={controller} {...props} />;
}

function Buttons({
  controller,
  conversationId,
  peerId,
  disabled,
}: {
  controller: CallController;
  conversationId: string;
  peerId: string;
  disabled?: boolean;
}) {
  const state = useCallState(controller);
  const busy = state.phase !== 'idle' && state.phase !== 'ended';
  const off = disabled || busy;
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label="Voice call"
        title={busy ? 'Already in a call' : 'Voice call'}
        disabled={off}
        onClick={() => void controller.start(conversationId, peerId, 'VOICE')}
      >
        <CallIcon name="phone" size={20} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Video call"
        title={busy ? 'Already in a call' : 'Video call'}
        disabled={off}
        onClick={() => void controller.start(conversationId, peerId, 'VIDEO')}
      >
        <CallIcon name="video" size={20} />
      </button>
    </>
  );
}
