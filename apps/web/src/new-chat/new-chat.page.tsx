// Starting conversations: a DM with a contact or any number, a new group, or a channel.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  AddContactDocument,
  ChannelsDocument,
  ContactsDocument,
  CreateChannelDocument,
  CreateGroupDocument,
  JoinChannelDocument,
  OpenDirectConversationDocument,
  type ConversationFieldsFragment,
} from '@chatter/client';
import { useContacts } from '../chat/use-contacts';
import { useChat } from '../app/services';
import { navigate, routeHref } from '../app/router';
import { Page } from '../ui/page';
import { Avatar } from '../ui/avatar';
import { Icon } from '../ui/icons';
import { describeError, errorCode } from '../apollo/errors';
import { InviteCard } from '../invites/invite-card';
import { addConversationToList } from '../realtime/cache-writes';
import {
  INVALID_PHONE_MESSAGE,
  NOT_REGISTERED,
  PhoneField,
  usePhoneState,
} from '../ui/phone-field';

type Tab = 'direct' | 'group' | 'channels';

export function NewChatPage({ tab }: { tab: Tab }) {
  return (
    <Page title="New chat">
      <div className="tabs" role="tablist" aria-label="Kind of chat">
        {(
          [
            ['direct', 'Message'],
            ['group', 'New group'],
            ['channels', 'Channels'],
          ] as const
        ).map(([t, label]) => (
          <a
            key={t}
            role="tab"
            aria-selected={tab === t}
            className={`tab ${tab === t ? 'tab--on' : ''}`}
            href={routeHref({ view: 'new', tab: t })}
          >
            {label}
          </a>
        ))}
      </div>
      {tab === 'direct' && <DirectTab />}
      {tab === 'group' && <GroupTab />}
      {tab === 'channels' && <ChannelsTab />}
    </Page>
  );
}

function useOpen() {
  const { client, realtime } = useChat();
  return (c: ConversationFieldsFragment) => {
    realtime.seed([{ id: c.id, lastSeq: c.lastSeq }]);
    addConversationToList(client.cache, c);
    navigate({ view: 'conversation', conversationId: c.id });
  };
}

function DirectTab() {
  const { data, loading } = useContacts();
  const phone = usePhoneState();
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ phone: string; display: string } | null>(null);
  const [addContact, addState] = useMutation(AddContactDocument, {
    refetchQueries: [ContactsDocument],
  });
  const [openDm, openState] = useMutation(OpenDirectConversationDocument);
  const [filter, setFilter] = useState('');
  const open = useOpen();

  const start = async (userId: string) => {
    setError(null);
    try {
      const { data } = await openDm({ variables: { userId } });
      if (data) open(data.openDirectConversation);
    } catch (e) {
      setError(
        describeError(e, { blocked: 'You cannot start a chat with this number right now.' }),
      );
    }
  };

  const byPhone = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setInvite(null);
    const e164 = phone.toE164();
    if (!e164) {
      setError(INVALID_PHONE_MESSAGE);
      return;
    }
    try {
      const { data } = await addContact({ variables: { phone: e164 } });
      if (data) await start(data.addContact.user.id);
    } catch (err) {
      setError(describeError(err, { notFound: NOT_REGISTERED }));
      if (errorCode(err) === 'NOT_FOUND') setInvite({ phone: e164, display: phone.text.trim() });
    }
  };

  const contacts = (data?.contacts.edges ?? [])
    .map((e) => e.node.user)
    .filter((u) => u.name.toLowerCase().includes(filter.trim().toLowerCase()));

  return (
    <div className="stack">
      <form className="inline-form" onSubmit={(e) => void byPhone(e)}>
        <PhoneField phone={phone} label="Message a phone number" />
        <button
          className="button button--primary"
          type="submit"
          disabled={!phone.text.trim() || addState.loading || openState.loading}
        >
          Start chat
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {invite && <InviteCard phone={invite.phone} display={invite.display} />}
      <h3 className="section-title">Contacts</h3>
      <input
        className="input"
        type="search"
        placeholder="Filter contacts"
        aria-label="Filter contacts"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {loading && !data ? (
        <p className="muted">Loading…</p>
      ) : contacts.length === 0 ? (
        <p className="muted">No contacts yet. Add someone by phone number above.</p>
      ) : (
        <ul className="people">
          {contacts.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                className="person person--button"
                onClick={() => void start(u.id)}
              >
                <span className="visually-hidden">Message </span>
                <Avatar
                  name={u.name}
                  seed={u.id}
                  url={u.avatarUrl}
                  size={40}
                  status={u.presence.status}
                />
                <span className="person__body">
                  <span className="person__name">{u.name}</span>
                  <span className="person__sub">{u.statusText || u.phone || ''}</span>
                </span>
                <Icon name="chat" size={18} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function GroupTab() {
  const { data } = useContacts();
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [createGroup, { loading }] = useMutation(CreateGroupDocument);
  const open = useOpen();
  const contacts = (data?.contacts.edges ?? []).map((e) => e.node.user);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const { data } = await createGroup({
        variables: { input: { title: title.trim(), memberIds: picked } },
      });
      if (data) open(data.createGroup);
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span>Group name</span>
        <input
          value={title}
          maxLength={80}
          placeholder="Weekend trip"
          onChange={(e) => setTitle(e.target.value)}
          required
        />
      </label>
      <fieldset className="fieldset">
        <legend>Members {picked.length ? `(${picked.length})` : ''}</legend>
        {contacts.length === 0 ? (
          <p className="muted">Add contacts first, then make a group with them.</p>
        ) : (
          contacts.map((u) => (
            <label key={u.id} className="check-row">
              <input
                type="checkbox"
                checked={picked.includes(u.id)}
                onChange={(e) =>
                  setPicked((p) => (e.target.checked ? [...p, u.id] : p.filter((x) => x !== u.id)))
                }
              />
              <Avatar name={u.name} seed={u.id} url={u.avatarUrl} size={32} />
              <span>{u.name}</span>
            </label>
          ))
        )}
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button className="button button--primary" type="submit" disabled={!title.trim() || loading}>
        Create group
      </button>
    </form>
  );
}

function ChannelsTab() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [newTitle, setNewTitle] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQuery(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const {
    data: fresh,
    previousData,
    loading,
  } = useQuery(ChannelsDocument, {
    variables: { query: query || null, first: 50 },
    fetchPolicy: 'cache-and-network',
  });
  // Keep the previous results on screen while a new search loads: no flicker under the pointer.
  const data = fresh ?? previousData;
  const [join] = useMutation(JoinChannelDocument);
  const [create, createState] = useMutation(CreateChannelDocument);
  const open = useOpen();
  const channels = data?.channels.edges.map((e) => e.node) ?? [];

  const onJoin = async (c: ConversationFieldsFragment) => {
    setError(null);
    if (c.myRole) return open(c);
    try {
      const { data } = await join({ variables: { conversationId: c.id } });
      if (data) open(data.joinChannel);
    } catch (e) {
      setError(describeError(e));
    }
  };

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const { data } = await create({ variables: { input: { title: newTitle.trim() } } });
      if (data) open(data.createChannel);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div className="stack">
      <input
        className="input"
        type="search"
        placeholder="Search channels"
        aria-label="Search channels"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {loading && !data ? (
        <p className="muted">Loading…</p>
      ) : channels.length === 0 ? (
        <p className="muted">No channels{query ? ' match' : ' yet'}.</p>
      ) : (
        <ul className="people">
          {channels.map((c) => (
            <li key={c.id} className="person">
              <Avatar name={c.title ?? '#'} seed={c.id} kind="CHANNEL" size={40} />
              <span className="person__body">
                <span className="person__name">{c.title}</span>
                <span className="person__sub">
                  {c.memberCount} {c.memberCount === 1 ? 'member' : 'members'}
                </span>
              </span>
              <button
                type="button"
                className={`button button--small ${c.myRole ? '' : 'button--primary'}`}
                onClick={() => void onJoin(c)}
              >
                {c.myRole ? 'Open' : 'Join'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={(e) => void onCreate(e)}>
        <label className="field">
          <span>Create a public channel</span>
          <input
            value={newTitle}
            maxLength={80}
            placeholder="announcements"
            onChange={(e) => setNewTitle(e.target.value)}
          />
        </label>
        <button className="button" type="submit" disabled={!newTitle.trim() || createState.loading}>
          Create
        </button>
      </form>
    </div>
  );
}
