// Browser test of the e-mail digest settings: against a local SMTP server, a user adds an address
// in Settings → Notifications, enters the code from the mail and sees it verified with digests on.
// Saves docs/screenshots/email-digest-settings.png.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { assert, eventually, signInOnPage, startApi } from './harness.mjs';

/** A local SMTP server keeping each mail's raw text. */
async function startSmtp() {
  const mails = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    mails,
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The step, built from the runner's browser, viewport, error sink and screenshot folder. */
export function emailDigestStep({ browser, pageErrors, DESKTOP, SCREENSHOTS, screenshots }) {
  return [
    'email digest settings: add an address, verify it with the mailed code, digests on (screenshot)',
    async () => {
      const smtp = await startSmtp();
      const api = await startApi({
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Chatter <chatter@example.test>',
        EMAIL_LINK_BASE_URL: 'http://127.0.0.1',
      });
      const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
        const phone = '+14155550161';
        await page.goto(`${api.url}/`);
        await signInOnPage(page, api, phone, 'Ines Mail');
        await page.goto(`${api.url}/#/settings`);
        const section = page.getByRole('group', { name: 'E-mail digest' });
        const address = 'ines@example.test';
        await section.getByLabel('E-mail address').fill(address);
        await section.getByRole('button', { name: 'Send code' }).click();
        await section.getByText(`We sent a code to ${address}.`).waitFor();
        const mail = await eventually(() => smtp.mails.find((m) => m.to.includes(address)), {
          message: 'verification mail',
        });
        const code = /code is (\d{6})/.exec(mail.raw)?.[1];
        assert(code, 'a 6-digit code in the mail');
        await section.getByLabel('Code from the e-mail').fill(code);
        await section.getByRole('button', { name: 'Verify' }).click();
        await section.getByText(`Verified: ${address}`).waitFor();
        const toggle = section.getByRole('checkbox', {
          name: 'E-mail me a digest of unread conversations',
        });
        assert(await toggle.isChecked(), 'digests are on after verification');
        if (screenshots) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          const region = page.getByRole('region', { name: 'Notifications' });
          await section.scrollIntoViewIfNeeded();
          await region.screenshot({ path: join(SCREENSHOTS, 'email-digest-settings.png') });
        }
      } finally {
        await context.close();
        await api.stop();
        await smtp.stop();
      }
    },
  ];
}
