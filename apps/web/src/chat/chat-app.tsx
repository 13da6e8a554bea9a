// The signed-in app: one outbox and one realtime stream per user, the sidebar and a main pane.
import { Suspense, useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQuery } from '@apollo/client';
import { ConversationsDocument, MeDocument } from '@chatter/client';
import { ChatServicesContext, useAppServices, type ChatServices } from '../app/services';
import { useRoute } from '../app/router';
import { Outbox, type Sender } from '@chatter/sdk';
import { RealtimeSession } from '../realtime/realtime-session';
import { CallProvider } from '../calls/call-context';
import { ReportOutcomeNotice } from '../admin/report-outcome-notice';
import { useActivity } from './use-activity';
import { Sidebar } from './sidebar';
import { Icon } from '../ui/icons';
import { ErrorBoundary } from '../ui/error-boundary';
import { lazyView } from '../ui/lazy-view';
import { CONVERSATIONS_PAGE } from './conversations-page';
import { unreadBadge, useAppBadge } from '../notifications/app-badge';

// Pages visited now and then load on demand: the first paint only needs the chat itself.
const ContactsPage = lazyView(() =>
  import('../contacts/contacts.page').then((m) => m.ContactsPage),
);
const SettingsPage = lazyView(() =>
  import('../settings/settings.page').then((m) => m.SettingsPage),
);
const AdminPage = lazyView(() => import('../admin/admin.page').then((m) => m.AdminPage));
const NewChatPage = lazyView(() => import('../new-chat/new-chat.page').then((m) => m.NewChatPage));
// The conversation is a chunk of its own too, so the chat list paints first; it is fetched right
// after that paint (see below), before anyone clicks a chat.
const loadConversationView = () =>
  import('../conversation/conversation-view').then((m) => m.ConversationView);
const ConversationView = lazyView(loadConversationView);

/** The outbox's sender, loaded with the first send (nothing is sent before the list shows). */
function lazySender(...args: Parameters<typeof import('./send-message').createSender>): Sender {
  let sender: Promise<Sender> | undefined;
  return async (m) => {
    sender ??= import('./send-message').then(
      (mod) => mod.createSender(...args),
      (err: unknown) => {
        sender = undefined; // the chunk did not arrive: the outbox retries, and so do we
        throw err;
      },
    );
    return (await sender)(m);
  };
}

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

export function ChatApp({ userId }: { userId: string }) {
  const { session, client } = useAppServices();
  const route = useRoute();
  const viewing = useRef<string | null>(null);
  viewing.current = route.view === 'conversation' ? route.conversationId : null;

  const services = useMemo<ChatServices>(() => {
    // Sends go over the realtime socket while it is open, else over HTTP (the SDK decides).
    const outbox = new Outbox(
      lazySender(client, (m) => realtime.deliver(m)),
      {
        storage: localStorage,
        storageKey: `chatter.outbox.${userId}`,
        keepFailed: true,
      },
    );
    const realtime: RealtimeSession = new RealtimeSession({
      url: wsUrl(),
      session,
      client,
      myUserId: userId,
      viewingConversationId: () =>
        document.visibilityState === 'visible' ? viewing.current : null,
      onConnected: () => void outbox.flush(),
    });
    return { session, client, myUserId: userId, outbox, realtime };
  }, [session, client, userId]);

  useQuery(MeDocument);
  const { data, loading, error, refetch, fetchMore } = useQuery(ConversationsDocument, {
    variables: { first: CONVERSATIONS_PAGE },
  });
  const loaded = Boolean(data);
  // Fetch the rest of the list behind the first page: unread counts and resume cursors need it.
  const nextPage = data?.conversations.pageInfo.hasNextPage
    ? data.conversations.pageInfo.endCursor
    : null;
  useEffect(() => {
    if (nextPage) void fetchMore({ variables: { after: nextPage } }).catch(() => undefined);
  }, [nextPage, fetchMore]);

  // Start the stream once the list is known: its lastSeqs are where the stream resumes.
  useEffect(() => {
    if (!loaded) return;
    const list = client.cache.readQuery({
      query: ConversationsDocument,
      variables: { first: CONVERSATIONS_PAGE },
    });
    services.realtime.start(
      (list?.conversations.edges ?? []).map((e) => ({ id: e.node.id, lastSeq: e.node.lastSeq })),
    );
    return () => services.realtime.stop();
  }, [loaded, services, client]);

  useEffect(() => {
    if (data)
      services.realtime.seed(
        data.conversations.edges.map((e) => ({ id: e.node.id, lastSeq: e.node.lastSeq })),
      );
  }, [data, services]);

  // The pending queue flushes on reconnect, when the browser says it is online, and now and then.
  useEffect(() => {
    const { outbox } = services;
    const flush = () => void outbox.flush();
    const onStorage = (e: StorageEvent) => {
      if (e.key === `chatter.outbox.${userId}`) outbox.reload();
    };
    window.addEventListener('online', flush);
    window.addEventListener('storage', onStorage);
    const t = setInterval(() => {
      if (outbox.size && navigator.onLine !== false) flush();
    }, 10_000);
    flush();
    return () => {
      window.removeEventListener('online', flush);
      window.removeEventListener('storage', onStorage);
      clearInterval(t);
    };
  }, [services, userId]);

  // The tab title shows how many conversations wait for me (muted ones do not count).
  const unread = (data?.conversations.edges ?? []).filter(
    (e) => e.node.unreadCount > 0 && !e.node.muted && !e.node.archived,
  ).length;
  useEffect(() => {
    document.title = unread ? `(${unread}) Chatter` : 'Chatter';
  }, [unread]);
  useAppBadge(unreadBadge((data?.conversations.edges ?? []).map((e) => e.node)));

  const report = useCallback(
    (active: boolean) => services.realtime.reportActivity(active),
    [services],
  );
  useActivity(report);

  useEffect(() => {
    const t = setTimeout(() => void loadConversationView().catch(() => undefined), 0);
    return () => clearTimeout(t);
  }, []);

  const status = useSyncExternalStore(services.realtime.onStatus, services.realtime.getStatus);

  let main: React.ReactNode;
  switch (route.view) {
    case 'conversation':
      main = (
        <ConversationView
          key={route.conversationId}
          conversationId={route.conversationId}
          panel={route.panel}
          jump={route.jump}
        />
      );
      break;
    case 'contacts':
      main = <ContactsPage />;
      break;
    case 'settings':
      main = <SettingsPage />;
      break;
    case 'admin':
      main = <AdminPage tab={route.tab} />;
      break;
    case 'new':
      main = <NewChatPage tab={route.tab ?? 'direct'} />;
      break;
    case 'home':
      main = (
        <div className="empty-state">
          <div className="empty-state__icon" aria-hidden="true">
            <Icon name="chat" size={40} />
          </div>
          <h2>Your messages</h2>
          <p className="muted">Pick a conversation, or start a new one.</p>
          <a className="button button--primary" href="#/new">
            <Icon name="plus" size={18} /> New chat
          </a>
        </div>
      );
      break;
  }

  return (
    <ChatServicesContext.Provider value={services}>
      <CallProvider>
        {/* One main landmark and one h1 on every layout (on phones the list or the detail pane is
          hidden, so neither can hold them). */}
        <main className={`app ${route.view === 'home' ? '' : 'app--detail'}`}>
          <h1 className="visually-hidden">Chatter</h1>
          <Sidebar
            status={status}
            loading={loading}
            error={error ? 'Could not load your conversations.' : null}
            onRetry={() => void refetch()}
            activeId={route.view === 'conversation' ? route.conversationId : null}
          />
          <div className="main" id="main">
            <ErrorBoundary resetKey={window.location.hash}>
              <Suspense fallback={<p className="muted page-loading">Loading…</p>}>{main}</Suspense>
            </ErrorBoundary>
          </div>
        </main>
        <ReportOutcomeNotice />
      </CallProvider>
    </ChatServicesContext.Provider>
  );
}
