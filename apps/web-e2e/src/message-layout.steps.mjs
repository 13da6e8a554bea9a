// Browser test of how a long message sits on screen: the day pill ("Today") never covers its
// first lines when it is scrolled to the top of the list (a sticky pill did), and with Details
// open beside the conversation a long message keeps a readable width (it was a ~225 px column)
// and its actions float over it on hover; on a phone the header name and the text field keep
// their room. Saves docs/screenshots/desktop-light-details-long-message.png.
import { assert, eventually } from './harness.mjs';

const LONG =
  'Notes from the planning call, so nobody has to scroll back through the recording: ' +
  'the venue is booked for the whole day, catering arrives at eleven, the projector needs an ' +
  'HDMI adapter that Sue will bring, and the first talk starts at half past nine sharp. ' +
  'Everyone please check the shared agenda tonight and flag anything that clashes with travel.';

/** The step, built from run.mjs's helpers (sign-up, starting a chat, sending). */
export function messageLayoutStep({
  signUp,
  startChatByPhone,
  send,
  waitForBodies,
  shot,
  screenshots,
  phone,
}) {
  return [
    'layout: the day pill never covers a long message scrolled to the top; Details open keeps it wide',
    async () => {
      const rob = await signUp('rob', 'Rob Lay', { phone: '+14155550311' });
      const sue = await signUp('sue', 'Sue Out', { phone: '+14155550312' });
      try {
        const page = rob.page;
        await startChatByPhone(page, sue.phone);
        await send(page, LONG);
        const after = Array.from({ length: 14 }, (_, i) => `later ${i + 1}`);
        for (const text of after) await send(page, text);
        await waitForBodies(page, [LONG, ...after], 'Rob');
        await page.locator('.day-separator', { hasText: 'Today' }).waitFor();

        // Scroll so the long message's top edge is at the top of the list, as when reading back.
        const bubble = page
          .locator('.messages .msg', { has: page.locator('.msg__body', { hasText: 'Notes from' }) })
          .locator('.msg__bubble');
        await bubble.evaluate((el) => {
          const list = el.closest('.messages');
          list.scrollTop += el.getBoundingClientRect().top - list.getBoundingClientRect().top - 2;
        });
        // Every point along its first line of text shows the message, not something over it.
        await eventually(
          async () =>
            bubble.evaluate((el) => {
              const box = el.getBoundingClientRect();
              const y = box.top + 14;
              const list = el.closest('.messages').getBoundingClientRect();
              if (Math.abs(box.top - list.top) > 4) return false;
              for (let i = 1; i < 10; i++) {
                const hit = document.elementFromPoint(box.left + (box.width * i) / 10, y);
                if (!hit || !el.contains(hit)) return false;
              }
              return true;
            }),
          { message: 'the first line of the long message is uncovered at the top of the list' },
        );

        // Details beside the conversation (wide window): the long message stays readable.
        await page.getByRole('link', { name: 'Conversation details' }).click();
        await page.locator('aside.side-panel').waitFor();
        const width = await bubble.evaluate((el) => el.getBoundingClientRect().width);
        assert(
          width >= 320,
          `the long message keeps a readable width with Details open: ${width}px`,
        );
        // Its actions float over the bubble's edge on hover instead of taking its width.
        const msg = page.locator('.messages .msg', {
          has: page.locator('.msg__body', { hasText: 'Notes from' }),
        });
        await bubble.evaluate((el) => el.closest('.messages').scrollBy(0, -80));
        await bubble.hover();
        const toolbar = msg.getByRole('toolbar', { name: 'Message actions' });
        await toolbar.waitFor();
        const [t, b] = await Promise.all([toolbar.boundingBox(), bubble.boundingBox()]);
        assert(t && b && t.y < b.y, `the actions sit above the bubble: ${JSON.stringify([t, b])}`);
        if (screenshots) await shot(page, 'desktop-light-details-long-message');
        await toolbar.getByRole('button', { name: 'Reply', exact: true }).click();
        await page.locator('.composer__context', { hasText: 'Notes from' }).waitFor();

        // On a phone the header keeps the name readable and the text field keeps its width
        // beside the composer's buttons (they were "S…" and 74 px).
        await page.getByRole('button', { name: 'Close details' }).click();
        await page.setViewportSize(phone);
        await page.locator('aside.side-panel').waitFor({ state: 'detached' });
        await page.getByLabel('Message', { exact: true }).waitFor();
        const sizes = await page.evaluate(() => {
          const title = document.querySelector('.conversation__title');
          return {
            titleCut: title.scrollWidth > title.clientWidth,
            input: document.querySelector('.composer__input').getBoundingClientRect().width,
            row: document.querySelector('.composer__row').scrollWidth,
            view: window.innerWidth,
          };
        });
        assert(!sizes.titleCut, `the phone header shows the whole name: ${JSON.stringify(sizes)}`);
        assert(sizes.input >= 140, `the phone text field is wide enough: ${JSON.stringify(sizes)}`);
        assert(sizes.row <= sizes.view, `the composer fits the phone: ${JSON.stringify(sizes)}`);
      } finally {
        for (const u of [rob, sue]) await u.context.close();
      }
    },
  ];
}
