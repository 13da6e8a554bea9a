// Conversation details: settings for me (mute, pin, archive), members and their roles,
// and the admin actions the server allows (add, remove, promote); leave.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { ModeratorToggle } from '../admin/moderator-toggle';
import {
  AddContactDocument,
  AddMembersDocument,
  BlockUserDocument,
  ConversationDocument,
  ConversationMembersDocument,
  LeaveConversationDocument,
  RemoveMemberDocument,
  SetMemberRoleDocument,
  UnblockUserDocument,
  UpdateConversationDocument,
  type ConversationFieldsFragment,
  type MemberRole,
} from '@chatter/client';
import { useContacts } from '../chat/use-contacts';
import { useChat } from '../app/services';
import { navigate } from '../app/router';
import { Avatar } from '../ui/avatar';
import { Icon } from '../ui/icons';
import { presenceLabel, useConnectionStatus } from '../chat/use-connection';
import { conversationTitle } from '../chat/conversation-display';
import { describeError } from '../apollo/errors';
import { DescriptionForm } from './description-form';
import { DisappearingSetting } from '../disappearing/disappearing-setting';
import { setBlockedFlag } from '../realtime/cache-writes';
import { ConversationNotifications } from '../notifications/conversation-notifications';

const ROLE_LABEL: Record<MemberRole, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  MODERATOR: 'Moderator',
  MEMBER: 'Member',
};

export function DetailsPanel({
  conversation: c,
  onClose,
}: {
  conversation: ConversationFieldsFragment;
  onClose: () => void;
}) {
  const { myUserId, client } = useChat();
  const connection = useConnectionStatus();
  // Escape closes the panel wherever focus is (unless something inside took the key first, such
  // as the composer cancelling a reply), and focus returns to the button that opened it.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onClose();
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('[data-panel-toggle="details"]')?.focus(),
      );
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  const [error, setError] = useState<string | null>(null);
  const [update] = useMutation(UpdateConversationDocument);
  const [leave, leaveState] = useMutation(LeaveConversationDocument);
  const title = conversationTitle(c);
  const other = c.kind === 'DIRECT' ? c.otherUser : null;
  const isAdmin = c.myRole === 'OWNER' || c.myRole === 'ADMIN';

  const run = async (p: Promise<unknown>) => {
    setError(null);
    try {
      await p;
    } catch (e) {
      setError(describeError(e));
    }
  };

  const toggle = (field: 'muted' | 'pinned' | 'archived') =>
    void run(
      update({
        variables: { input: { conversationId: c.id, [field]: !c[field] } },
        optimisticResponse: { updateConversation: { ...c, [field]: !c[field] } },
      }),
    );

  const onLeave = async () => {
    if (!window.confirm(`Leave ${title}?`)) return;
    await run(
      leave({ variables: { conversationId: c.id } }).then(async () => {
        // The chat stays, read-only ("You left"): fetch it as it is now.
        await client.query({
          query: ConversationDocument,
          variables: { id: c.id },
          fetchPolicy: 'network-only',
        });
        navigate({ view: 'conversation', conversationId: c.id });
      }),
    );
  };

  return (
    <aside className="side-panel" aria-label="Conversation details">
      <header className="side-panel__header">
        <h2>Details</h2>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="side-panel__body">
        <div className="profile-card">
          <Avatar
            name={title}
            seed={other?.id ?? c.id}
            url={other?.avatarUrl}
            kind={c.kind}
            size={72}
            status={connection === 'online' ? other?.presence.status : null}
          />
          <h3>{title}</h3>
          {other ? (
            <>
              {other.statusText || other.statusEmoji ? (
                <p className="muted">
                  {other.statusEmoji} {other.statusText}
                </p>
              ) : null}
              <p className="muted">{presenceLabel(other.presence, other.lastSeenAt, connection)}</p>
              {other.phone && <p className="muted">{other.phone}</p>}
            </>
          ) : (
            <>
              <p className="muted">
                {c.kind === 'CHANNEL' ? 'Public channel' : 'Group'} · {c.memberCount}{' '}
                {c.memberCount === 1 ? 'member' : 'members'}
              </p>
              {c.description && <p className="profile-card__description">{c.description}</p>}
            </>
          )}
        </div>
        {isAdmin && c.kind !== 'DIRECT' && <RenameForm conversation={c} onError={setError} />}
        {isAdmin && c.kind !== 'DIRECT' && <DescriptionForm conversation={c} onError={setError} />}
        {c.viewerIsMember && (
          <DisappearingSetting
            conversation={c}
            canChange={isAdmin || c.kind === 'DIRECT'}
            onError={setError}
          />
        )}
        <div className="settings-list" role="group" aria-label="Conversation settings">
          <Switch
            label="Mute notifications"
            icon="mute"
            checked={c.muted}
            onChange={() => toggle('muted')}
          />
          {!c.muted && <ConversationNotifications conversationId={c.id} />}
          <Switch
            label="Pin to top"
            icon="pin"
            checked={c.pinned}
            onChange={() => toggle('pinned')}
          />
          <Switch
            label="Archive"
            icon="archive"
            checked={c.archived}
            onChange={() => toggle('archived')}
          />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {other ? (
          <DirectActions
            userId={other.id}
            isContact={other.isContact}
            isBlocked={other.isBlocked}
            phone={other.phone ?? null}
            onError={setError}
          />
        ) : (
          <Members conversation={c} myUserId={myUserId} isAdmin={isAdmin} onError={setError} />
        )}
        {c.kind !== 'DIRECT' && c.viewerIsMember && (
          <button
            type="button"
            className="button button--danger button--block"
            onClick={() => void onLeave()}
            disabled={leaveState.loading}
          >
            Leave {c.kind === 'CHANNEL' ? 'channel' : 'group'}
          </button>
        )}
      </div>
    </aside>
  );
}

function Switch({
  label,
  icon,
  checked,
  onChange,
}: {
  label: string;
  icon: 'mute' | 'pin' | 'archive';
  checked: boolean;
  onChange: () => void;
}) {
  return (
    <label className="switch-row">
      <Icon name={icon} size={18} />
      <span>{label}</span>
      <input type="checkbox" role="switch" checked={checked} onChange={onChange} />
      <span className="switch" aria-hidden="true" />
    </label>
  );
}

function RenameForm({
  conversation: c,
  onError,
}: {
  conversation: ConversationFieldsFragment;
  onError: (e: string | null) => void;
}) {
  const [title, setTitle] = useState(c.title ?? '');
  const [update, { loading }] = useMutation(UpdateConversationDocument);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!title.trim() || title === c.title) return;
        update({ variables: { input: { conversationId: c.id, title: title.trim() } } }).catch(
          (err) => onError(describeError(err)),
        );
      }}
    >
      <label className="field">
        <span>Name</span>
        <input value={title} maxLength={80} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <button
        className="button"
        type="submit"
        disabled={loading || !title.trim() || title === c.title}
      >
        Rename
      </button>
    </form>
  );
}

function DirectActions({
  userId,
  isContact,
  isBlocked,
  phone,
  onError,
}: {
  userId: string;
  isContact: boolean;
  isBlocked: boolean;
  phone: string | null;
  onError: (e: string | null) => void;
}) {
  const [addContact] = useMutation(AddContactDocument);
  const [block] = useMutation(BlockUserDocument);
  const [unblock] = useMutation(UnblockUserDocument);
  const { client } = useChat();
  const setBlocked = (v: boolean) => setBlockedFlag(client.cache, userId, v);
  return (
    <div className="button-stack">
      {!isContact && phone && (
        <button
          type="button"
          className="button button--block"
          onClick={() =>
            addContact({ variables: { phone } }).catch((e) => onError(describeError(e)))
          }
        >
          Add to contacts
        </button>
      )}
      {isBlocked ? (
        <button
          type="button"
          className="button button--block"
          onClick={() =>
            unblock({ variables: { userId } }).then(
              () => setBlocked(false),
              (e) => onError(describeError(e)),
            )
          }
        >
          Unblock
        </button>
      ) : (
        <button
          type="button"
          className="button button--danger button--block"
          onClick={() =>
            window.confirm('Block this person? They will not be able to message you.') &&
            block({ variables: { userId } }).then(
              () => setBlocked(true),
              (e) => onError(describeError(e)),
            )
          }
        >
          Block
        </button>
      )}
    </div>
  );
}

function Members({
  conversation: c,
  myUserId,
  isAdmin,
  onError,
}: {
  conversation: ConversationFieldsFragment;
  myUserId: string;
  isAdmin: boolean;
  onError: (e: string | null) => void;
}) {
  const connection = useConnectionStatus();
  const { data, loading, fetchMore } = useQuery(ConversationMembersDocument, {
    variables: { id: c.id, first: 50 },
  });
  const [removeMember] = useMutation(RemoveMemberDocument);
  const [setRole] = useMutation(SetMemberRoleDocument);
  const [adding, setAdding] = useState(false);
  const members = data?.conversation?.members.edges.map((e) => e.node) ?? [];
  const fail = (e: unknown) => onError(describeError(e));
  return (
    <section className="members" aria-labelledby="members-title">
      <div className="members__header">
        <h3 id="members-title">Members</h3>
        {isAdmin && (
          <button
            type="button"
            className="button button--small"
            onClick={() => setAdding((a) => !a)}
            aria-expanded={adding}
          >
            <Icon name="plus" size={16} /> Add
          </button>
        )}
      </div>
      {adding && (
        <AddMembers
          conversationId={c.id}
          existing={new Set(members.map((m) => m.user.id))}
          onDone={() => setAdding(false)}
          onError={onError}
        />
      )}
      {loading && !data ? (
        <p className="muted">Loading members…</p>
      ) : (
        <ul className="people">
          {members.map((m) => (
            <li key={m.user.id} className="person">
              <Avatar
                name={m.user.name}
                seed={m.user.id}
                url={m.user.avatarUrl}
                size={36}
                status={connection === 'online' ? m.user.presence.status : null}
              />
              <span className="person__body">
                <span className="person__name">
                  {m.user.name}
                  {m.user.id === myUserId && ' (you)'}
                </span>
                <span className="person__sub">{ROLE_LABEL[m.role]}</span>
              </span>
              {isAdmin && m.user.id !== myUserId && m.role !== 'OWNER' && (
                <span className="person__actions">
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() =>
                      setRole({
                        variables: {
                          conversationId: c.id,
                          userId: m.user.id,
                          role: m.role === 'ADMIN' ? 'MEMBER' : 'ADMIN',
                        },
                      }).catch(fail)
                    }
                  >
                    {m.role === 'ADMIN' ? 'Make member' : 'Make admin'}
                  </button>
                  {c.myRole === 'OWNER' && (
                    <ModeratorToggle
                      conversationId={c.id}
                      userId={m.user.id}
                      role={m.role}
                      onError={fail}
                    />
                  )}
                  <button
                    type="button"
                    className="icon-button icon-button--small"
                    aria-label={`Remove ${m.user.name}`}
                    onClick={() =>
                      window.confirm(`Remove ${m.user.name}?`) &&
                      removeMember({
                        variables: { conversationId: c.id, userId: m.user.id },
                      }).catch(fail)
                    }
                  >
                    <Icon name="close" size={16} />
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {data?.conversation?.members.pageInfo.hasNextPage && (
        <button
          type="button"
          className="button button--ghost button--block"
          onClick={() =>
            void fetchMore({ variables: { after: data.conversation!.members.pageInfo.endCursor } })
          }
        >
          Show more
        </button>
      )}
    </section>
  );
}

function AddMembers({
  conversationId,
  existing,
  onDone,
  onError,
}: {
  conversationId: string;
  existing: Set<string>;
  onDone: () => void;
  onError: (e: string | null) => void;
}) {
  const { data } = useContacts();
  const [picked, setPicked] = useState<string[]>([]);
  const [addMembers, { loading }] = useMutation(AddMembersDocument);
  const candidates = (data?.contacts.edges ?? [])
    .map((e) => e.node.user)
    .filter((u) => !existing.has(u.id));
  return (
    <form
      className="add-members"
      onSubmit={(e) => {
        e.preventDefault();
        addMembers({ variables: { conversationId, userIds: picked } }).then(onDone, (err) =>
          onError(describeError(err)),
        );
      }}
    >
      {candidates.length === 0 ? (
        <p className="muted">All your contacts are already here.</p>
      ) : (
        <fieldset>
          <legend className="visually-hidden">Contacts to add</legend>
          {candidates.map((u) => (
            <label key={u.id} className="check-row">
              <input
                type="checkbox"
                checked={picked.includes(u.id)}
                onChange={(e) =>
                  setPicked((p) => (e.target.checked ? [...p, u.id] : p.filter((x) => x !== u.id)))
                }
              />
              <Avatar name={u.name} seed={u.id} url={u.avatarUrl} size={28} />
              <span>{u.name}</span>
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="button button--primary" disabled={!picked.length || loading}>
        Add {picked.length || ''}
      </button>
    </form>
  );
}
