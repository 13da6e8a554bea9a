// Browser test of OpenID Connect sign-in: a real OpenID Provider (the `oidc-provider` package,
// its own login and consent pages) on a free port; the person clicks the provider's button on
// Chatter's sign-in page, logs in at the provider, lands signed in, and finds the provider under
// Settings → Linked accounts. Saves screenshots of both.
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { assert, freePort, startApi } from './harness.mjs';

const ADMIN_TOKEN = 'web-e2e-oidc-admin-token-0123456789';

/** The step, built from the runner's browser, viewport, error sink and screenshot folder. */
export function oidcStep({ browser, pageErrors, DESKTOP, SCREENSHOTS, screenshots }) {
  return [
    'oidc: sign in with the provider button, log in at the provider, see the linked account in settings',
    async () => {
      const apiPort = await freePort();
      const publicUrl = `http://127.0.0.1:${apiPort}`;
      const opPort = await freePort();
      const issuer = `http://127.0.0.1:${opPort}`;
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: 'chatter',
            client_secret: 'web-e2e-secret',
            redirect_uris: [`${publicUrl}/auth/oidc/callback`],
            grant_types: ['authorization_code'],
            response_types: ['code'],
          },
        ],
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        findAccount: (_ctx, sub) => ({
          accountId: sub,
          claims: () => ({
            sub,
            email: `${sub}@example.com`,
            email_verified: true,
            name: 'Wendy Example',
          }),
        }),
        cookies: { keys: ['web-e2e-oidc-cookie-key'] },
      });
      const server = await new Promise((resolve) => {
        const s = provider.listen(opPort, '127.0.0.1', () => resolve(s));
      });
      const api = await startApi({ ADMIN_TOKEN, PUBLIC_URL: publicUrl, PORT: String(apiPort) });
      const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
      try {
        const res = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-admin-token': ADMIN_TOKEN },
          body: JSON.stringify({
            query:
              'mutation($i:OidcProviderInput!){ setTenantOidcProvider(tenantId:"default", input:$i){ id } }',
            variables: {
              i: {
                id: 'acme',
                displayName: 'Acme ID',
                issuer,
                clientId: 'chatter',
                clientSecret: 'web-e2e-secret',
              },
            },
          }),
        });
        const body = await res.json();
        assert(!body.errors, JSON.stringify(body.errors));

        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
        await page.goto(`${api.url}/`);
        const button = page.getByRole('link', { name: 'Continue with Acme ID' });
        await button.waitFor();
        if (screenshots) await page.screenshot({ path: join(SCREENSHOTS, 'oidc-sign-in.png') });
        await button.click();
        // The provider's own pages: log in, then consent.
        await page.getByPlaceholder('Enter any login').fill('wendy');
        await page.getByPlaceholder('and password').fill('any password');
        await page.getByRole('button', { name: 'Sign-in' }).click();
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('heading', { name: 'Chats' }).waitFor();
        assert(!page.url().includes('oidc-code'), 'the one-time code is cleared from the address');
        await page.goto(`${api.url}/#/settings`);
        const section = page.getByRole('region', { name: 'Linked accounts' });
        await section.getByText('wendy@example.com').waitFor();
        await section.getByText('Acme ID').waitFor();
        await page.getByRole('heading', { name: 'Wendy Example' }).waitFor();
        if (screenshots) {
          await section.scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(SCREENSHOTS, 'oidc-linked-accounts.png') });
        }
      } finally {
        await context.close();
        await api.stop();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  ];
}
