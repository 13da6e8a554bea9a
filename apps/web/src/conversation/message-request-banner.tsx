import { useMutation } from '@apollo/client';
import { AcceptMessageRequestDocument, DeclineMessageRequestDocument } from '@chatter/client';
import { navigate } from '../app/router';

/**
 * Shown in a DM opened by someone who is not in my contacts. Until I reply or accept, they see
 * neither my phone number nor my contacts-only online status.
 */
export function MessageRequestBanner({
  conversationId,
  name,
}: {
  conversationId: string;
  name: string;
}) {
  const [accept, accepting] = useMutation(AcceptMessageRequestDocument);
  const [decline, declining] = useMutation(DeclineMessageRequestDocument);
  const busy = accepting.loading || declining.loading;
  const failed = accepting.error ?? declining.error;

  const onDecline = async (block: boolean) => {
    const { errors } = await decline({ variables: { conversationId, block } }).catch(() => ({
      errors: [true],
    }));
    if (!errors?.length && !block) navigate({ view: 'home' });
  };

  return (
    <div className="request-banner" role="region" aria-label="Message request">
      <p className="request-banner__text">
        <strong>{name}</strong> is not in your contacts. They cannot see your phone number or your
        online status unless you reply or accept.
      </p>
      {failed && (
        <p className="form-error" role="alert">
          That did not work. Please try again.
        </p>
      )}
      <div className="request-banner__actions">
        <button
          type="button"
          className="button button--primary button--small"
          disabled={busy}
          onClick={() => void accept({ variables: { conversationId } }).catch(() => undefined)}
        >
          Accept
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => void onDecline(false)}
        >
          Decline
        </button>
        <button
          type="button"
          className="button button--danger button--small"
          disabled={busy}
          onClick={() => void onDecline(true)}
        >
          Block
        </button>
      </div>
    </div>
  );
}
