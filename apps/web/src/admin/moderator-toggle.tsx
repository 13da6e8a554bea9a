// Owners appoint and dismiss moderators (members who may delete anyone's message).
import { useMutation } from '@apollo/client';
import { SetMemberRoleDocument, type MemberRole } from '@chatter/client';

export function ModeratorToggle({
  conversationId,
  userId,
  role,
  onError,
}: {
  conversationId: string;
  userId: string;
  role: MemberRole;
  onError: (e: unknown) => void;
}) {
  const [setRole, { loading }] = useMutation(SetMemberRoleDocument);
  if (role !== 'MEMBER' && role !== 'MODERATOR') return null;
  const next: MemberRole = role === 'MODERATOR' ? 'MEMBER' : 'MODERATOR';
  return (
    <button
      type="button"
      className="button button--small"
      disabled={loading}
      onClick={() => setRole({ variables: { conversationId, userId, role: next } }).catch(onError)}
    >
      {role === 'MODERATOR' ? 'Dismiss moderator' : 'Make moderator'}
    </button>
  );
}
