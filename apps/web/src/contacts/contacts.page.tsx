import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  AddContactDocument,
  BlockedUsersDocument,
  BlockUserDocument,
  ContactsDocument,
  OpenDirectConversationDocument,
  RemoveContactDocument,
  UnblockUserDocument,
} from '@chatter/client';
import { useContacts } from '../chat/use-contacts';
import { useChat } from '../app/services';
import { navigate } from '../app/router';
import { Page } from '../ui/page';
import { Avatar } from '../ui/avatar';
import { Icon } from '../ui/icons';
import { presenceLabel, useConnectionStatus } from '../chat/use-connection';
import { describeError, errorCode, type ErrorWording } from '../apollo/errors';
import { InviteCard } from '../invites/invite-card';
import { setBlockedFlag } from '../realtime/cache-writes';
import { addConversationToList } from '../realtime/cache-writes';
import {
  INVALID_PHONE_MESSAGE,
  NOT_REGISTERED,
  PhoneField,
  usePhoneState,
} from '../ui/phone-field';

export function ContactsPage() {
  const { client, realtime } = useChat();
  const connection = useConnectionStatus();
  const { data, loading } = useContacts('cache-and-network');
  const blocked = useQuery(BlockedUsersDocument, { fetchPolicy: 'cache-and-network' });
  const refetchQueries = [ContactsDocument, BlockedUsersDocument];
  const [addContact, addState] = useMutation(AddContactDocument, { refetchQueries });
  const [removeContact] = useMutation(RemoveContactDocument, { refetchQueries });
  const [block] = useMutation(BlockUserDocument, { refetchQueries });
  const [unblock] = useMutation(UnblockUserDocument, { refetchQueries });
  const [openDm] = useMutation(OpenDirectConversationDocument);
  const phone = usePhoneState();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ phone: string; display: string } | null>(null);

  const guard = async (
    p: Promise<unknown>,
    ok?: string,
    wording?: ErrorWording,
    onNotFound?: () => void,
  ) => {
    setError(null);
    setNotice(null);
    setInvite(null);
    try {
      await p;
      if (ok) setNotice(ok);
    } catch (e) {
      setError(describeError(e, wording));
      if (errorCode(e) === 'NOT_FOUND') onNotFound?.();
    }
  };

  const setBlocked = (userId: string, v: boolean) => setBlockedFlag(client.cache, userId, v);

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    const e164 = phone.toE164();
    if (!e164) {
      setNotice(null);
      setError(INVALID_PHONE_MESSAGE);
      return;
    }
    const display = phone.text.trim();
    void guard(
      addContact({ variables: { phone: e164 } }).then(() => phone.setText('')),
      'Contact added.',
      { notFound: NOT_REGISTERED },
      () => setInvite({ phone: e164, display }),
    );
  };

  const message = async (userId: string) => {
    const { data } = await openDm({ variables: { userId } });
    if (!data) return;
    realtime.seed([
      { id: data.openDirectConversation.id, lastSeq: data.openDirectConversation.lastSeq },
    ]);
    addConversationToList(client.cache, data.openDirectConversation);
    navigate({ view: 'conversation', conversationId: data.openDirectConversation.id });
  };

  const contacts = data?.contacts.edges.map((e) => e.node) ?? [];
  const blockedUsers = blocked.data?.blockedUsers ?? [];

  return (
    <Page title="Contacts">
      <form className="inline-form" onSubmit={onAdd}>
        <PhoneField phone={phone} label="Add by phone number" />
        <button
          className="button button--primary"
          type="submit"
          disabled={!phone.text.trim() || addState.loading}
        >
          <Icon name="plus" size={18} /> Add
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="form-notice" role="status">
          {notice}
        </p>
      )}
      {invite && <InviteCard phone={invite.phone} display={invite.display} />}
      <h3 className="section-title">
        Your contacts {contacts.length ? `(${contacts.length})` : ''}
      </h3>
      {loading && !data ? (
        <p className="muted">Loading…</p>
      ) : contacts.length === 0 ? (
        <p className="muted">No contacts yet.</p>
      ) : (
        <ul className="people">
          {contacts.map(({ user: u }) => (
            <li key={u.id} className="person">
              <Avatar
                name={u.name}
                seed={u.id}
                url={u.avatarUrl}
                size={40}
                status={connection === 'online' ? u.presence.status : null}
              />
              <span className="person__body">
                <span className="person__name">
                  {u.statusEmoji ? `${u.statusEmoji} ` : ''}
                  {u.name}
                </span>
                <span className="person__sub">
                  {u.phone ?? ''}
                  {u.phone ? ' · ' : ''}
                  {presenceLabel(u.presence, u.lastSeenAt, connection)}
                </span>
              </span>
              <span className="person__actions">
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Message ${u.name}`}
                  title="Message"
                  onClick={() => void guard(message(u.id))}
                >
                  <Icon name="chat" size={18} />
                </button>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() =>
                    window.confirm(`Remove ${u.name} from your contacts?`) &&
                    void guard(removeContact({ variables: { userId: u.id } }), 'Contact removed.')
                  }
                >
                  Remove
                </button>
                <button
                  type="button"
                  className="button button--small button--danger"
                  onClick={() =>
                    window.confirm(`Block ${u.name}? They will not be able to message you.`) &&
                    void guard(
                      block({ variables: { userId: u.id } }).then(() => setBlocked(u.id, true)),
                      `${u.name} is blocked.`,
                    )
                  }
                >
                  Block
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="section-title">Blocked</h3>
      {blockedUsers.length === 0 ? (
        <p className="muted">You have not blocked anyone.</p>
      ) : (
        <ul className="people">
          {blockedUsers.map((u) => (
            <li key={u.id} className="person">
              <Avatar name={u.name} seed={u.id} url={u.avatarUrl} size={40} />
              <span className="person__body">
                <span className="person__name">{u.name}</span>
              </span>
              <button
                type="button"
                className="button button--small"
                onClick={() =>
                  void guard(
                    unblock({ variables: { userId: u.id } }).then(() => setBlocked(u.id, false)),
                    `${u.name} is unblocked.`,
                  )
                }
              >
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
