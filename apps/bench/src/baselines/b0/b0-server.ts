import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { createVerifier } from '../shared/bench-auth';
import { createEventLoopMetrics } from '../shared/event-loop-metrics';

/**
 * Baseline B0: the ceiling of a Node WebSocket server on this machine. Raw `ws`,
 * in-memory rooms, JWT checked at upgrade, and each event serialized once and the
 * same string written to every other member of the room (the `ws` README's
 * broadcast pattern). No persistence, no ordering guarantees, no resume.
 *
 * Protocol (JSON text frames):
 *   → {type:'join', rooms:[id…]}        ← {type:'joined', rooms:[id…]}
 *   → {type:'send', room, body}          ← (to the others) {type:'message', room, from, body, ts}
 */
interface Client {
  userId: string;
  rooms: Set<string>;
}

export function startB0Server(port: number, host = '127.0.0.1'): Promise<() => Promise<void>> {
  const verify = createVerifier();
  const metrics = createEventLoopMetrics();
  const rooms = new Map<string, Set<WebSocket>>();
  const clients = new WeakMap<WebSocket, Client>();

  const http = createServer((req, res) => {
    if (req.url === '/readyz' || req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
    } else {
      res.writeHead(404).end();
    }
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    verify(token).then(
      (user) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          clients.set(ws, { userId: user.userId, rooms: new Set() });
          wss.emit('connection', ws, req);
        }),
      () => {
        socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        socket.destroy();
      },
    );
  });

  wss.on('connection', (ws: WebSocket) => {
    const client = clients.get(ws);
    if (!client) return ws.close(1011);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: { type?: unknown; room?: unknown; rooms?: unknown; body?: unknown };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return ws.close(1003, 'bad json');
      }
      if (msg.type === 'join' && Array.isArray(msg.rooms)) {
        const joined: string[] = [];
        for (const r of msg.rooms) {
          if (typeof r !== 'string') continue;
          let members = rooms.get(r);
          if (!members) rooms.set(r, (members = new Set()));
          members.add(ws);
          client.rooms.add(r);
          joined.push(r);
        }
        ws.send(JSON.stringify({ type: 'joined', rooms: joined }));
      } else if (
        msg.type === 'send' &&
        typeof msg.room === 'string' &&
        typeof msg.body === 'string'
      ) {
        const members = rooms.get(msg.room);
        if (!members) return;
        // Serialize once; every recipient gets the same string.
        const out = JSON.stringify({
          type: 'message',
          room: msg.room,
          from: client.userId,
          body: msg.body,
          ts: Date.now(),
        });
        for (const m of members) if (m !== ws && m.readyState === WebSocket.OPEN) m.send(out);
      }
    });
    ws.on('close', () => {
      for (const r of client.rooms) {
        const members = rooms.get(r);
        members?.delete(ws);
        if (members && members.size === 0) rooms.delete(r);
      }
    });
    ws.on('error', () => ws.terminate());
  });

  return new Promise((resolve) => {
    http.listen(port, host, () =>
      resolve(
        () =>
          new Promise<void>((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close();
            http.close(() => done());
          }),
      ),
    );
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 4100);
  void startB0Server(port).then((stop) => {
    const shutdown = (): void => void stop().then(() => process.exit(0));
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}
