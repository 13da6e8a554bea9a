// A Chatter bot in a few lines: follows every conversation it is in and answers commands.
//
//   npm start                                  # the Chatter server, in the repository root
//   npm run build:sdk                          # @chatter/sdk → dist/sdk
//   cd examples/node-bot && npm install        # installs @chatter/sdk from dist/sdk, and ws
//   CHATTER_URL=http://127.0.0.1:3000 CHATTER_TOKEN=... CHATTER_REFRESH_TOKEN=... npm start
//
// (Outside this repository: `npm install <path to the packed chatter-sdk-*.tgz> ws`.)
// `npm run e2e:sdk-node-bot` runs this bot against the server as `npm start` runs it.
//
// CHATTER_TOKEN is an access token of the bot's account (an app-issued token, or a session's
// access token; with CHATTER_REFRESH_TOKEN the SDK refreshes that session itself). Cursors are
// kept in CURSOR_FILE, so a restarted bot answers what was posted while it was down, once.
'use strict';
const WebSocket = require('ws'); // eslint-disable-line no-redeclare -- Node 20 has no global WebSocket
const { ChatterClient } = require('@chatter/sdk');
const { FileCursorStorage } = require('@chatter/sdk/node');

const url = process.env.CHATTER_URL ?? 'http://127.0.0.1:3000';
const accessToken = process.env.CHATTER_TOKEN;
const refreshToken = process.env.CHATTER_REFRESH_TOKEN;
if (!accessToken) {
  console.error('Set CHATTER_TOKEN to the bot account’s access token.');
  process.exit(1);
}

const client = new ChatterClient({
  url,
  webSocketImpl: WebSocket,
  token: refreshToken ? { session: { accessToken, refreshToken } } : accessToken,
  storage: new FileCursorStorage(process.env.CURSOR_FILE ?? '.chatter-bot-cursors.json'),
  onStatus: (status) => console.log(`connection: ${status}`),
});

/** The answer to a message, or null to stay silent. */
function answer(body) {
  const text = body.trim();
  if (text === '!ping') return 'pong';
  if (text === '!time') return `It is ${new Date().toISOString()}.`;
  if (text.startsWith('!echo ')) return text.slice('!echo '.length);
  if (text === '!help') return 'Commands: !ping, !time, !echo <text>';
  return null;
}

async function main() {
  const me = await client.userId();
  await client.follow({
    async message({ message }) {
      if (message.sender?.id === me || !message.body) return;
      const reply = answer(message.body);
      if (reply === null) return;
      await client.send({
        conversationId: message.conversationId,
        body: reply,
        replyToId: message.id,
      });
    },
    resync({ conversationId, reason }) {
      console.log(`conversation ${conversationId} resumed from now on (${reason})`);
    },
    error(error) {
      console.error('bot error:', error instanceof Error ? error.message : error);
    },
  });
  console.log(`bot ${me} is following its conversations`);
}

const stop = () => void client.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
