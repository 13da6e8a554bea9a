// Browser test of the tenant safety settings: a tenant admin turns the word filter on (mask) in
// the administration area; a member's message with a listed word shows masked, live. Also the
// Channels tab. Saves screenshots of both tabs.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { assert, eventually, graphqlOf, signUpInBrowser, sleep, startApi } from './harness.mjs';

const ADMIN_TOKEN = 'web-e2e-admin-token-safety-0123456789';

/** The step, built from the runner's browser, viewports, error sink and screenshot folder. */
export function safetySettingsStep({ browser, pageErrors, DESKTOP, PHONE, SCREENSHOTS }) {
  return [
    'safety: an admin sets the word filter to mask in Tenant settings; a message shows masked; the Channels tab',
    async () => {
      const api = await startApi({ ADMIN_TOKEN });
      const contexts = [];
      try {
        const gql = graphqlOf(api);
        const open = (phone, name, viewport = DESKTOP) =>
          signUpInBrowser({ browser, api, contexts, pageErrors, viewport }, phone, name);
        const ada = await open('+14155550191', 'Ada Admin');
        const tom = await open('+14155550192', 'Tom Member');
        await gql(
          'mutation($u:ID!){ grantTenantRole(tenantId:"default", userId:$u, role:OWNER){ role } }',
          { u: ada.id },
          null,
          { 'x-admin-token': ADMIN_TOKEN },
        );
        const channel = (
          await gql('mutation{ createChannel(input:{title:"Town square"}){ id } }', {}, ada.token)
        ).createChannel.id;
        await gql(
          'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }',
          { c: channel },
          tom.token,
        );

        // Ada sets the filter in Administration → Tenant settings.
        await ada.page.goto(`${api.url}/#/settings`);
        await ada.page.getByRole('link', { name: 'Open administration' }).click();
        await ada.page.getByRole('link', { name: 'Tenant settings' }).click();
        const form = ada.page.getByRole('form', { name: 'Tenant settings' });
        await form.waitFor();
        await form.getByRole('radio', { name: /Mask/ }).check();
        await form.getByLabel('Words and phrases, one per line').fill('darn\nfrak off\ndrat');
        await form.getByLabel('Delete messages older than (days)').fill('365');
        await form.getByRole('button', { name: 'Save settings' }).click();
        await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        await ada.page.getByRole('link', { name: 'Tenant settings' }).scrollIntoViewIfNeeded();
        mkdirSync(SCREENSHOTS, { recursive: true });
        await sleep(250);
        await ada.page.screenshot({ path: join(SCREENSHOTS, 'admin-tenant-settings.png') });
        await ada.page.emulateMedia({ colorScheme: 'dark' });
        await sleep(250);
        await ada.page.screenshot({ path: join(SCREENSHOTS, 'admin-tenant-settings-dark.png') });
        await ada.page.emulateMedia({ colorScheme: 'light' });

        // Tom writes in the app; everyone sees the masked text.
        await tom.page.goto(`${api.url}/#/c/${encodeURIComponent(channel)}`);
        const composer = tom.page.getByLabel('Message', { exact: true });
        await composer.fill('Oh DARN, the Drät bus is late. $& stays');
        await composer.press('Enter');
        const bodies = (page) =>
          page.locator('.messages .msg:not(.msg--pending) .msg__body').allTextContents();
        await eventually(
          async () => (await bodies(tom.page)).some((b) => b.includes('Oh ****, the **** bus')),
          {
            timeout: 15_000,
            message: `the sender sees the masked message: ${JSON.stringify(await bodies(tom.page))}`,
          },
        );
        await ada.page.goto(`${api.url}/#/c/${encodeURIComponent(channel)}`);
        await eventually(
          async () =>
            (await bodies(ada.page)).some((b) =>
              b.includes('Oh ****, the **** bus is late. $& stays'),
            ),
          {
            timeout: 15_000,
            message: `the admin sees it masked: ${JSON.stringify(await bodies(ada.page))}`,
          },
        );
        assert(
          !(await bodies(ada.page)).some((b) => /darn/i.test(b)),
          'the filtered word is nowhere',
        );

        // The Channels tab: list, members, appoint a moderator.
        await ada.page.goto(`${api.url}/#/admin/channels`);
        const row = ada.page.locator('li', { hasText: '#Town square' }).first();
        await row.getByRole('button', { name: 'Members and moderators' }).click();
        const members = ada.page.getByRole('list', { name: 'Channel members' });
        const tomRow = members.locator('li', { hasText: 'Tom Member' });
        await tomRow.getByRole('button', { name: 'Make moderator' }).click();
        await ada.page.getByRole('button', { name: 'Refresh members' }).click();
        await members
          .locator('li', { hasText: 'Tom Member' })
          .getByText('Moderator', { exact: true })
          .waitFor();
        await sleep(250);
        await ada.page.screenshot({ path: join(SCREENSHOTS, 'admin-channels.png') });
        await ada.page.setViewportSize(PHONE);
        await ada.page.goto(`${api.url}/#/admin/settings`);
        await ada.page.getByRole('form', { name: 'Tenant settings' }).waitFor();
        await sleep(300);
        await ada.page.screenshot({ path: join(SCREENSHOTS, 'admin-tenant-settings-phone.png') });
      } finally {
        for (const c of contexts) await c.close().catch(() => undefined);
        await api.stop();
      }
    },
  ];
}
