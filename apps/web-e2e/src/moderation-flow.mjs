// Browser test of the moderation flow: a member reports a spam message, a tenant admin finds it in
// the report queue and bans the spammer with all their messages; the messages disappear live for
// the member. Saves screenshots of the administration area (desktop light and dark, phone).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { assert, eventually, graphqlOf, signUpInBrowser, sleep, startApi } from './harness.mjs';

const ADMIN_TOKEN = 'web-e2e-admin-token-0123456789abcdef';

/** The step, built from the runner's browser, viewports, error sink and screenshot folder. */
export function moderationFlowStep({ browser, pageErrors, DESKTOP, PHONE, SCREENSHOTS }) {
  return [
    'moderation: report a message, the admin bans and wipes from the queue, the messages disappear live',
    async () => {
      const api = await startApi({ ADMIN_TOKEN });
      const contexts = [];
      try {
        const gql = graphqlOf(api);
        const open = (phone, name, viewport = DESKTOP) =>
          signUpInBrowser(
            {
              browser,
              api,
              contexts,
              pageErrors,
              viewport,
              beforeOpen: (page) => page.on('dialog', (d) => void d.accept()),
            },
            phone,
            name,
          );
        const mia = await open('+14155550181', 'Mia Admin');
        const sam = await open('+14155550182', 'Sam Spammer');
        const lou = await open('+14155550183', 'Lou Member');
        await gql(
          'mutation($u:ID!){ grantTenantRole(tenantId:"default", userId:$u, role:ADMIN){ role } }',
          { u: mia.id },
          null,
          { 'x-admin-token': ADMIN_TOKEN },
        );
        const channel = (
          await gql('mutation{ createChannel(input:{title:"Lobby"}){ id } }', {}, lou.token)
        ).createChannel.id;
        await gql(
          'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }',
          { c: channel },
          sam.token,
        );
        const say = (who, body) =>
          gql(
            'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id } }',
            { c: channel, k: `k-${Math.random().toString(36).slice(2)}`, b: body },
            who.token,
          );
        await say(lou, 'Welcome to the lobby 👋');
        await say(sam, 'BUY CHEAP WATCHES at spam.example');
        await say(sam, 'Limited offer!!! spam.example');

        const bodies = () =>
          lou.page.locator('.messages .msg:not(.msg--pending) .msg__body').allTextContents();
        await lou.page.locator('a.conv-item', { hasText: 'Lobby' }).first().click();
        await eventually(async () => (await bodies()).some((b) => b.includes('Limited offer')), {
          timeout: 15_000,
          message: 'the member sees the spam',
        });

        // Lou reports a spam message from its actions.
        const spam = lou.page
          .locator('.messages .msg', {
            has: lou.page.locator('.msg__body', { hasText: 'CHEAP WATCHES' }),
          })
          .last();
        await spam.locator('.msg__bubble').hover();
        await spam.getByRole('button', { name: 'Report', exact: true }).click();
        const dialog = lou.page.getByRole('dialog', { name: 'Report message' });
        await dialog.getByLabel('Reason').selectOption('spam');
        await dialog.getByLabel('Note (optional)').fill('selling watches again');
        await dialog.getByRole('button', { name: 'Send report' }).click();
        await dialog.getByRole('status').waitFor();
        await dialog.waitFor({ state: 'detached' });

        // Mia finds it in the queue, from Settings.
        await mia.page.goto(`${api.url}/#/settings`);
        await mia.page.getByRole('link', { name: 'Open administration' }).click();
        const group = mia.page.getByRole('article', { name: 'Reports about Sam Spammer' });
        await group.waitFor();
        assert(
          (await group.textContent()).includes('selling watches again'),
          'the queue shows the reporter note',
        );
        mkdirSync(SCREENSHOTS, { recursive: true });
        await sleep(250);
        await mia.page.screenshot({ path: join(SCREENSHOTS, 'admin-reports.png') });
        await mia.page.emulateMedia({ colorScheme: 'dark' });
        await sleep(250);
        await mia.page.screenshot({ path: join(SCREENSHOTS, 'admin-reports-dark.png') });
        await mia.page.emulateMedia({ colorScheme: 'light' });

        await group.getByRole('button', { name: 'Ban and remove messages' }).click();
        await mia.page.getByRole('status').filter({ hasText: 'resolved' }).waitFor();
        await mia.page.getByText('No open reports. All calm.').waitFor();

        // The spam disappears for Lou without a reload; Lou's own message stays.
        await eventually(
          async () => {
            const all = await bodies();
            return (
              !all.some((b) => b.includes('spam.example')) && all.some((b) => b.includes('Welcome'))
            );
          },
          {
            timeout: 15_000,
            message: `the spam vanished live, got ${JSON.stringify(await bodies())}`,
          },
        );
        // Sam is out: the next request says so and the app leaves the chat.
        const me = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${sam.token}` },
          body: JSON.stringify({ query: '{ me { id } }' }),
        }).then((r) => r.json());
        assert(
          ['TOKEN_REVOKED', 'ACCOUNT_BANNED'].includes(me.errors?.[0]?.extensions?.code),
          `the spammer is refused: ${JSON.stringify(me)}`,
        );

        // The audit log and users, desktop and phone.
        await mia.page.getByRole('link', { name: 'Audit log' }).click();
        await mia.page.getByText('removed the messages of').waitFor();
        await sleep(250);
        await mia.page.screenshot({ path: join(SCREENSHOTS, 'admin-audit-log.png') });
        await mia.page.getByRole('link', { name: 'Users' }).click();
        await mia.page.getByText('Banned', { exact: true }).waitFor();
        await sleep(250);
        await mia.page.screenshot({ path: join(SCREENSHOTS, 'admin-users.png') });
        await mia.page.setViewportSize(PHONE);
        await mia.page.getByRole('link', { name: 'Audit log' }).click();
        await sleep(300);
        await mia.page.screenshot({ path: join(SCREENSHOTS, 'admin-audit-log-phone.png') });
      } finally {
        for (const c of contexts) await c.close().catch(() => undefined);
        await api.stop();
      }
    },
  ];
}
