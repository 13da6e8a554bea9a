// Browser test of disappearing and scheduled messages: an admin turns on a short timer in the
// conversation details (a timeline line says so), a message sent then shows a timer icon and
// vanishes live for the other member while an earlier one stays; a message is scheduled from the
// composer and waits in the scheduled list. Saves screenshots.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { assert, eventually, graphqlOf, signUpInBrowser, sleep, startApi } from './harness.mjs';

/** The step, built from the runner's browser, viewports, error sink and screenshot folder. */
export function disappearingFlowStep({ browser, pageErrors, DESKTOP, SCREENSHOTS }) {
  return [
    'disappearing messages: the admin sets a timer, the message shows a timer and vanishes live; send later waits in the list',
    async () => {
      const api = await startApi({
        DISAPPEARING_TIMERS_SECONDS: '8,3600',
        SCHEDULER_INTERVAL_MS: '300',
      });
      const contexts = [];
      try {
        const gql = graphqlOf(api);
        const open = (phone, name) =>
          signUpInBrowser({ browser, api, contexts, pageErrors, viewport: DESKTOP }, phone, name);
        const ada = await open('+14155550171', 'Ada Admin');
        const ben = await open('+14155550172', 'Ben Member');
        const group = (
          await gql(
            'mutation($m:[ID!]!){ createGroup(input:{title:"Vanishing", memberIds:$m}){ id } }',
            { m: [ben.id] },
            ada.token,
          )
        ).createGroup.id;
        const bodies = (page) =>
          page.locator('.messages .msg:not(.msg--pending) .msg__body').allTextContents();
        const send = async (page, text) => {
          const box = page.getByLabel('Message', { exact: true });
          await box.fill(text);
          await box.press('Enter');
        };
        await gql(
          'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"first", body:"This one stays 📌"}){ id } }',
          { c: group },
          ada.token,
        );
        for (const who of [ada, ben]) {
          await who.page.reload();
          await who.page.locator('a.conv-item', { hasText: 'Vanishing' }).first().click();
        }
        await eventually(async () => (await bodies(ben.page)).some((b) => b.includes('stays')), {
          timeout: 15_000,
          message: 'Ben sees the first message',
        });

        // Ben (a member) sees the setting; Ada (the owner) changes it.
        await ben.page.getByRole('link', { name: 'Conversation details' }).click();
        await ben.page.getByText('Disappearing messages: off').waitFor();
        await ben.page.getByRole('link', { name: 'Conversation details' }).click();
        await ada.page.getByRole('link', { name: 'Conversation details' }).click();
        await ada.page.getByLabel('Disappearing messages').selectOption({ label: '8 seconds' });
        await ada.page
          .getByText('You turned on disappearing messages (8 seconds)')
          .first()
          .waitFor();
        await ada.page.getByRole('link', { name: 'Conversation details' }).click();
        await ben.page
          .getByText('Ada Admin turned on disappearing messages (8 seconds)')
          .first()
          .waitFor();

        await send(ada.page, 'This message will vanish ⏳');
        const vanishing = ben.page.locator('.messages .msg', {
          has: ben.page.locator('.msg__body', { hasText: 'will vanish' }),
        });
        await vanishing.waitFor();
        assert(
          (await vanishing.locator('.expiry-badge').count()) === 1,
          'the disappearing message shows a timer',
        );
        const stays = ben.page.locator('.messages .msg', {
          has: ben.page.locator('.msg__body', { hasText: 'stays' }),
        });
        assert(
          (await stays.locator('.expiry-badge').count()) === 0,
          'no timer on the older message',
        );

        // Ada schedules a message for later from the composer.
        const box = ada.page.getByLabel('Message', { exact: true });
        await box.fill('Reminder: standup at 10 ☕');
        await ada.page.getByRole('button', { name: 'Send later' }).click();
        await ada.page
          .getByRole('dialog', { name: 'Send later' })
          .getByRole('button', { name: 'Schedule' })
          .click();
        await ada.page.getByText('1 scheduled message').waitFor();
        await ada.page.getByText('1 scheduled message').click();
        await ada.page
          .getByRole('list', { name: 'Scheduled messages' })
          .getByText('standup at 10')
          .waitFor();

        mkdirSync(SCREENSHOTS, { recursive: true });
        await sleep(250);
        await ben.page.screenshot({ path: join(SCREENSHOTS, 'disappearing-messages.png') });
        await ada.page.screenshot({ path: join(SCREENSHOTS, 'scheduled-messages.png') });

        // The message goes for Ben without a reload; the older one stays.
        await eventually(
          async () => {
            const all = await bodies(ben.page);
            return (
              !all.some((b) => b.includes('will vanish')) && all.some((b) => b.includes('stays'))
            );
          },
          { timeout: 20_000, message: 'the disappearing message vanishes live, the other stays' },
        );
        await ben.page.reload();
        await ben.page.locator('.messages .msg__body', { hasText: 'stays' }).first().waitFor();
        assert(
          !(await bodies(ben.page)).some((b) => b.includes('will vanish')),
          'still gone after a reload',
        );
      } finally {
        for (const c of contexts) await c.close().catch(() => undefined);
        await api.stop();
      }
    },
  ];
}
