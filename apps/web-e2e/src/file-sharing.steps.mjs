// Browser test of the tenant's file-sharing policy: an owner turns "Other files" off in Tenant
// settings; a member who attaches a PDF sees why it was refused, and a photo still goes out, as
// do a picture dragged onto the writing box and one pasted into it.
// Saves screenshots of the settings and of the refusal.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assert, eventually, graphqlOf, signUpInBrowser, sleep, startApi } from './harness.mjs';

const ADMIN_TOKEN = 'web-e2e-admin-token-files-0123456789';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The step, built from the runner's browser, viewports, error sink and screenshot folder. */
export function fileSharingStep({ browser, pageErrors, DESKTOP, SCREENSHOTS }) {
  return [
    'file sharing: an owner turns "Other files" off; a member attaching a PDF is told why; photos still go out, picked, dropped and pasted',
    async () => {
      const api = await startApi({ ADMIN_TOKEN });
      const contexts = [];
      try {
        const gql = graphqlOf(api);
        const open = (phone, name) =>
          signUpInBrowser({ browser, api, contexts, pageErrors, viewport: DESKTOP }, phone, name);
        const olga = await open('+14155550193', 'Olga Owner');
        const max = await open('+14155550194', 'Max Member');
        await gql(
          'mutation($u:ID!){ grantTenantRole(tenantId:"default", userId:$u, role:OWNER){ role } }',
          { u: olga.id },
          null,
          { 'x-admin-token': ADMIN_TOKEN },
        );
        const group = (
          await gql(
            'mutation($m:[ID!]!){ createGroup(input:{title:"Design review", memberIds:$m}){ id } }',
            { m: [max.id] },
            olga.token,
          )
        ).createGroup.id;

        // Olga unticks "Other files" in Administration → Tenant settings.
        await olga.page.goto(`${api.url}/#/admin/settings`);
        const form = olga.page.getByRole('form', { name: 'Tenant settings' });
        await form.waitFor();
        const files = form.getByRole('group', { name: 'Files members can share' });
        for (const kind of ['Photos', 'Voice notes and audio', 'Videos', 'Other files'])
          assert(await files.getByRole('checkbox', { name: kind }).isChecked(), `${kind} on`);
        await files.getByRole('checkbox', { name: 'Other files' }).uncheck();
        await form.getByRole('button', { name: 'Save settings' }).click();
        await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        const saved = (
          await gql('{ tenantSafetySettings { allowedAttachmentKinds } }', {}, olga.token)
        ).tenantSafetySettings.allowedAttachmentKinds;
        assert(
          JSON.stringify(saved) === JSON.stringify(['IMAGE', 'AUDIO', 'VIDEO']),
          `saved kinds ${JSON.stringify(saved)}`,
        );
        await files.scrollIntoViewIfNeeded();
        mkdirSync(SCREENSHOTS, { recursive: true });
        await sleep(250);
        await files.screenshot({ path: join(SCREENSHOTS, 'admin-file-sharing.png') });

        // Max attaches a PDF and a photo.
        const sharp = createRequire(import.meta.url)('sharp');
        const photo = await sharp({
          create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 140, b: 90 } },
        })
          .jpeg()
          .toBuffer();
        const m = max.page;
        await m.goto(`${api.url}/#/c/${encodeURIComponent(group)}`);
        const chooser = m.waitForEvent('filechooser');
        await m.getByRole('button', { name: 'Attach files' }).click();
        await (
          await chooser
        ).setFiles([
          { name: 'brief.pdf', mimeType: 'application/pdf', buffer: PDF },
          { name: 'mockup.jpg', mimeType: 'image/jpeg', buffer: photo },
        ]);
        const tray = m.getByRole('list', { name: 'Attachments' });
        const pdfRow = tray.locator('.upload', { hasText: 'brief.pdf' });
        await pdfRow.waitFor();
        await eventually(
          async () =>
            (await pdfRow.getAttribute('data-status')) === 'failed' &&
            (await tray
              .locator('.upload', { hasText: 'mockup.jpg' })
              .getAttribute('data-status')) === 'done',
          { timeout: 20_000, message: 'the PDF was refused and the photo uploaded' },
        );
        const alert = await pdfRow.getByRole('alert').textContent();
        assert(
          alert === 'Your organisation does not allow sharing this kind of file.',
          `the refusal says why: ${alert}`,
        );
        assert(
          (await pdfRow.getByRole('button', { name: 'Retry brief.pdf' }).count()) === 0,
          'no retry for a file the server refuses as such',
        );
        await sleep(250);
        await m.screenshot({ path: join(SCREENSHOTS, 'attachments-refused-by-policy.png') });

        // The refused file is removed; the photo goes out with a caption.
        await pdfRow.getByRole('button', { name: 'Cancel brief.pdf' }).click();
        const box = m.getByLabel('Message', { exact: true });
        await box.fill('Mockup for today');
        await box.press('Enter');
        await olga.page.goto(`${api.url}/#/c/${encodeURIComponent(group)}`);
        await olga.page
          .getByRole('button', { name: 'Open photo mockup.jpg' })
          .waitFor({ timeout: 20_000 });
        assert(
          (await olga.page.locator('.att-file', { hasText: 'brief.pdf' }).count()) === 0,
          'no PDF was sent',
        );

        // A picture dragged onto the writing box, and one pasted into it (a screenshot).
        const png = await sharp({
          create: { width: 320, height: 200, channels: 3, background: { r: 90, g: 60, b: 200 } },
        })
          .png()
          .toBuffer();
        await box.evaluate(
          (el, bytes) => {
            const file = (name) => new File([new Uint8Array(bytes)], name, { type: 'image/png' });
            const drag = new DataTransfer();
            drag.items.add(file('dropped.png'));
            for (const type of ['dragenter', 'dragover', 'drop'])
              el.dispatchEvent(
                new DragEvent(type, { dataTransfer: drag, bubbles: true, cancelable: true }),
              );
            const clip = new DataTransfer();
            clip.items.add(file('image.png'));
            el.dispatchEvent(
              new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, cancelable: true }),
            );
          },
          [...png],
        );
        await eventually(
          async () =>
            (await tray.locator('.upload[data-status="done"]').count()) === 2 &&
            (await tray.locator('.upload', { hasText: 'dropped.png' }).count()) === 1 &&
            (await tray.locator('.upload', { hasText: /^pasted-.*\.png/ }).count()) === 1,
          { timeout: 20_000, message: 'the dropped and the pasted picture uploaded' },
        );
        await box.fill('Dropped and pasted');
        await box.press('Enter');
        await olga.page
          .getByRole('button', { name: 'Open photo dropped.png' })
          .waitFor({ timeout: 20_000 });
        await olga.page.getByRole('button', { name: /^Open photo pasted-.*\.png$/ }).waitFor();
      } finally {
        for (const c of contexts) await c.close().catch(() => undefined);
        await api.stop();
      }
    },
  ];
}
