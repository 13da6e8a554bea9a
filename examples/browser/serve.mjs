// Serves this example on http://localhost:5173 (a loopback origin, which the API accepts outside
// production; otherwise add it to CORS_ORIGINS): index.html and the SDK's browser build.
//   node scripts/build-sdk.mjs && node examples/browser/serve.mjs
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = {
  '/': [join(here, 'index.html'), 'text/html; charset=utf-8'],
  '/chatter-sdk.mjs': [
    resolve(here, '../../dist/sdk/browser/chatter-sdk.mjs'),
    'text/javascript; charset=utf-8',
  ],
};
const port = Number(process.env.PORT ?? 5173);
createServer(async (req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) return res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
  try {
    res.writeHead(200, { 'content-type': file[1] }).end(await readFile(file[0]));
  } catch {
    res.writeHead(500).end(`missing ${file[0]}: run node scripts/build-sdk.mjs`);
  }
}).listen(port, '127.0.0.1', () => console.log(`http://localhost:${port}`));
