import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  codeOf,
  Collector,
  gql,
  ok,
  removeDataDir,
  Session,
  signUp,
  sleep,
  startApi,
  wsClient,
} from '../support';

/**
 * Link previews against a real API: a page server on loopback (reachable only because the
 * operator allow-range names 127.0.0.1/32), a trap server on another loopback address that must
 * never be reached, the preview arriving as a MessageUpdated event (and on resume), its image
 * re-served through the attachment path, removal by the sender only, and LINK_PREVIEWS=off.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface Site {
  origin: string;
  hits: string[];
  close(): Promise<void>;
}

async function site(host: string): Promise<Site> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/image.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(PNG);
    }
    if (req.url?.startsWith('/to-trap')) {
      res.writeHead(302, { location: decodeURIComponent(req.url.slice('/to-trap?'.length)) });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head>
      <meta property="og:title" content="Release notes &amp; more">
      <meta property="og:description" content="What changed in ${req.url}">
      <meta property="og:site_name" content="Example site">
      <meta property="og:image" content="/image.png">
      </head><body>hello</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const SEND = `mutation($c:ID!, $b:String!, $k:String!) {
  sendMessage(input: { conversationId: $c, body: $b, clientMessageId: $k }) { id seq }
}`;
const PREVIEW_FIELDS = 'linkPreview { url title description siteName image { id url type kind } }';
const MESSAGES = `query($c:ID!) { messages(conversationId: $c, last: 50) {
  edges { node { id attachments { id } ${PREVIEW_FIELDS} } } } }`;
const EVENTS = `subscription($since:[ConversationCursorInput!]) { chatEvents(since: $since) {
  __typename
  ... on MessageAdded { message { id ${PREVIEW_FIELDS} } }
  ... on MessageUpdated { message { id seq ${PREVIEW_FIELDS} } } } }`;
const REMOVE = `mutation($id:ID!) { removeLinkPreview(messageId: $id) { id ${PREVIEW_FIELDS} } }`;

interface Preview {
  url: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  image: { id: string; url: string; type: string; kind: string } | null;
}
interface Updated {
  chatEvents: { __typename: string; message?: { id: string; linkPreview: Preview | null } };
}

async function group(api: ApiProcess, owner: Session, members: Session[]): Promise<string> {
  return (
    await ok<{ createGroup: { id: string } }>(
      api,
      'mutation($m:[ID!]!) { createGroup(input: { title: "Links", memberIds: $m }) { id } }',
      { m: members.map((m) => m.userId) },
      owner.accessToken,
    )
  ).createGroup.id;
}

async function previewsOf(api: ApiProcess, c: string, who: Session) {
  const data = await ok<{
    messages: {
      edges: { node: { id: string; attachments: { id: string }[]; linkPreview: Preview | null } }[];
    };
  }>(api, MESSAGES, { c }, who.accessToken);
  return new Map(data.messages.edges.map((e) => [e.node.id, e.node]));
}

describe('link previews', () => {
  let api: ApiProcess;
  let page: Site;
  let trap: Site;
  let ada: Session;
  let ben: Session;
  let eve: Session;
  const clients: Client[] = [];

  beforeAll(async () => {
    page = await site('127.0.0.1');
    trap = await site('127.0.0.2');
    api = await startApi({
      LINK_PREVIEW_ALLOW_RANGES: '127.0.0.1/32',
      LINK_PREVIEW_TIMEOUT_MS: '3000',
    });
    [ada, ben, eve] = await Promise.all([
      signUp(api, 'Ada'),
      signUp(api, 'Ben'),
      signUp(api, 'Eve'),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await api?.stop();
    if (api) removeDataDir(api);
    await page?.close();
    await trap?.close();
  });

  it('fetches the first link after the send; members hear it live and on resume; the image is ours', async () => {
    const c = await group(api, ada, [ben]);
    const client = wsClient(api, ben.accessToken);
    clients.push(client);
    const live = new Collector<Updated>(client, EVENTS);
    await sleep(300);
    const sent = (
      await ok<{ sendMessage: { id: string; seq: number } }>(
        api,
        SEND,
        { c, b: `read ${page.origin}/notes?x=1 and http://example.invalid/`, k: 'p-1' },
        ada.accessToken,
      )
    ).sendMessage;
    const items = await live.until(
      (all) => all.some((e) => e.chatEvents.message?.linkPreview),
      15_000,
      'the preview event',
    );
    const preview = items.find((e) => e.chatEvents.message?.linkPreview)!.chatEvents.message!;
    expect(preview.id).toBe(sent.id);
    expect(preview.linkPreview).toMatchObject({
      url: `${page.origin}/notes?x=1`,
      title: 'Release notes & more',
      description: 'What changed in /notes?x=1',
      siteName: 'Example site',
    });
    live.stop();

    // The image may be processed a moment later: wait until the attachment link serves it.
    const image = await (async () => {
      for (let i = 0; i < 100; i++) {
        const node = (await previewsOf(api, c, ben)).get(sent.id)!;
        expect(node.attachments).toEqual([]); // the preview image is not one of the files
        const img = node.linkPreview?.image;
        if (img) {
          const res = await fetch(new URL(img.url, api.url));
          if (res.status === 200) return { img, res };
        }
        await sleep(100);
      }
      throw new Error('the preview image was never served');
    })();
    expect(image.img).toMatchObject({ type: 'image/png', kind: 'IMAGE' });
    expect(image.img.url.startsWith('/files/download/')).toBe(true);
    expect(image.res.headers.get('content-type')).toBe('image/png');
    expect(page.hits).toEqual(['/notes?x=1', '/image.png']);

    // Resuming from the send replays the update with the preview.
    const resumed = new Collector<Updated>(client, EVENTS, {
      since: [{ conversationId: c, afterSeq: sent.seq }],
    });
    await resumed.until(
      (all) => all.some((e) => e.chatEvents.message?.linkPreview?.title === 'Release notes & more'),
      10_000,
      'the replayed preview',
    );
    resumed.stop();

    // Only the sender removes it; everyone hears the removal.
    expect(codeOf(await gql(api, REMOVE, { id: sent.id }, ben.accessToken))).toBe('FORBIDDEN');
    expect(codeOf(await gql(api, REMOVE, { id: sent.id }, eve.accessToken))).toBe('NOT_FOUND');
    const removal = new Collector<Updated>(client, EVENTS);
    await sleep(300);
    const removed = await ok<{ removeLinkPreview: { linkPreview: Preview | null } }>(
      api,
      REMOVE,
      { id: sent.id },
      ada.accessToken,
    );
    expect(removed.removeLinkPreview.linkPreview).toBeNull();
    await removal.until(
      (all) =>
        all.some((e) => e.chatEvents.message?.id === sent.id && !e.chatEvents.message.linkPreview),
      10_000,
      'the removal event',
    );
    removal.stop();
    expect((await previewsOf(api, c, ben)).get(sent.id)!.linkPreview).toBeNull();
    // A second removal is a no-op.
    await ok(api, REMOVE, { id: sent.id }, ada.accessToken);
  });

  it('caches per URL: the same link in another message is not fetched again', async () => {
    const c = await group(api, ada, [ben]);
    const before = page.hits.filter((h) => h === '/cached').length;
    const first = await ok<{ sendMessage: { id: string } }>(
      api,
      SEND,
      { c, b: `${page.origin}/cached`, k: 'c-1' },
      ada.accessToken,
    );
    const second = await ok<{ sendMessage: { id: string } }>(
      api,
      SEND,
      { c, b: `again ${page.origin}/cached`, k: 'c-2' },
      ben.accessToken,
    );
    for (let i = 0; i < 100; i++) {
      const nodes = await previewsOf(api, c, ada);
      if (
        nodes.get(first.sendMessage.id)?.linkPreview &&
        nodes.get(second.sendMessage.id)?.linkPreview
      )
        break;
      await sleep(100);
    }
    const nodes = await previewsOf(api, c, ada);
    expect(nodes.get(first.sendMessage.id)?.linkPreview?.title).toBe('Release notes & more');
    expect(nodes.get(second.sendMessage.id)?.linkPreview?.title).toBe('Release notes & more');
    expect(page.hits.filter((h) => h === '/cached').length - before).toBe(1);
  });

  it('nothing private outside the allow-range is fetched, also through a redirect', async () => {
    const c = await group(api, ada, [ben]);
    const targets = [
      `${trap.origin}/direct`,
      `http://2130706434:${new URL(trap.origin).port}/decimal`,
      `http://0177.0.0.2:${new URL(trap.origin).port}/octal`,
      `http://[::ffff:127.0.0.2]:${new URL(trap.origin).port}/mapped`,
      'http://10.0.0.1/private',
      'http://169.254.169.254/latest/meta-data/',
      `${page.origin}/to-trap?${encodeURIComponent(`${trap.origin}/redirected`)}`,
    ];
    const ids: string[] = [];
    for (const [i, b] of targets.entries())
      ids.push(
        (
          await ok<{ sendMessage: { id: string } }>(
            api,
            SEND,
            { c, b, k: `s-${i}` },
            ada.accessToken,
          )
        ).sendMessage.id,
      );
    // A public-looking control message that previews proves the worker ran past them all.
    const control = (
      await ok<{ sendMessage: { id: string } }>(
        api,
        SEND,
        { c, b: `${page.origin}/control`, k: 's-control' },
        ada.accessToken,
      )
    ).sendMessage.id;
    for (let i = 0; i < 100 && !(await previewsOf(api, c, ada)).get(control)?.linkPreview; i++)
      await sleep(100);
    await sleep(500);
    const nodes = await previewsOf(api, c, ada);
    expect(nodes.get(control)?.linkPreview?.title).toBe('Release notes & more');
    for (const id of ids) expect(nodes.get(id)?.linkPreview).toBeNull();
    expect(trap.hits).toEqual([]);
  });
});

describe('link previews off', () => {
  let api: ApiProcess;
  let page: Site;

  beforeAll(async () => {
    page = await site('127.0.0.1');
    api = await startApi({ LINK_PREVIEWS: 'off', LINK_PREVIEW_ALLOW_RANGES: '127.0.0.1/32' });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
    await page?.close();
  });

  it('LINK_PREVIEWS=off: nothing is fetched', async () => {
    const ada = await signUp(api, 'Ada');
    const ben = await signUp(api, 'Ben');
    const c = await group(api, ada, [ben]);
    const sent = await ok<{ sendMessage: { id: string } }>(
      api,
      SEND,
      { c, b: `${page.origin}/off`, k: 'o-1' },
      ada.accessToken,
    );
    await sleep(1500);
    expect((await previewsOf(api, c, ada)).get(sent.sendMessage.id)?.linkPreview).toBeNull();
    expect(page.hits).toEqual([]);
  });
});
