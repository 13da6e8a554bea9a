// Browser test of threads: a reply in a thread from a message's "Reply in thread" action, the
// reply count on the root in the timeline (live for the other person), replies staying out of the
// timeline, following and starring. Saves a screenshot of the thread pane.
import { assert, assertEqual, eventually } from './harness.mjs';

/** The step, built from the runner's person-like helpers. */
export function threadsStep({
  signUp,
  startChatByPhone,
  openConversation,
  send,
  message,
  messageAction,
  shot,
  axeViolations,
  screenshots,
}) {
  return [
    'threads: reply in a thread, the count shows on the root live, replies stay out of the timeline, star',
    async () => {
      const tia = await signUp('tia', 'Tia Novak', { phone: '+14155550193' });
      const uli = await signUp('uli', 'Uli Brandt', { phone: '+14155550194' });
      await startChatByPhone(tia.page, uli.phone);
      await send(tia.page, 'Where shall we eat on Friday?');
      await send(tia.page, 'Also: who brings the cake?');
      await openConversation(uli.page, 'Tia Novak');
      await message(uli.page, 'Where shall we eat').waitFor();

      // Uli opens a thread under the first message and replies there.
      await messageAction(uli.page, 'Where shall we eat', 'Reply in thread');
      const pane = uli.page.getByRole('complementary', { name: 'Thread' });
      await pane.waitFor();
      await pane.locator('.msg__body', { hasText: 'Where shall we eat' }).waitFor();
      const box = pane.getByRole('textbox', { name: 'Thread reply' });
      await box.fill('Noodles at Kin 🍜 — 7pm?');
      await box.press('Enter');
      await pane
        .locator('.thread-pane__replies .msg__body', { hasText: 'Noodles at Kin' })
        .waitFor();

      // Tia sees the count on the root, live, and opens the thread from it.
      const link = message(tia.page, 'Where shall we eat').locator('.thread-link');
      await eventually(async () => (await link.textContent())?.includes('1 reply') ?? false, {
        timeout: 15_000,
        message: 'the root shows 1 reply',
      });
      assertEqual(
        await tia.page.locator('.messages .msg__body', { hasText: 'Noodles at Kin' }).count(),
        0,
        'a thread reply is not in the timeline',
      );
      await link.click();
      const tiaPane = tia.page.getByRole('complementary', { name: 'Thread' });
      await tiaPane.locator('.msg__body', { hasText: 'Noodles at Kin' }).waitFor();
      const tiaBox = tiaPane.getByRole('textbox', { name: 'Thread reply' });
      await tiaBox.fill('Deal! I book a table for two.');
      await tiaBox.press('Enter');
      assertEqual(
        await tiaPane.getByRole('button', { name: 'Following' }).count(),
        1,
        'the author of the root follows the thread',
      );

      // Uli's pane gets Tia's reply live; the root counts 2 replies.
      await pane.locator('.msg__body', { hasText: 'Deal! I book a table' }).waitFor();
      await eventually(
        async () =>
          (
            await message(uli.page, 'Where shall we eat').locator('.thread-link').textContent()
          )?.includes('2 replies') ?? false,
        { timeout: 15_000, message: 'the root shows 2 replies for Uli' },
      );
      assertEqual(
        await uli.page.locator('.messages .msg__body', { hasText: 'Deal! I book' }).count(),
        0,
        'replies stay out of the timeline for the other person too',
      );
      const violations = await axeViolations(uli.page);
      assertEqual(violations, [], 'axe with the thread pane open');
      if (screenshots) await shot(uli.page, 'desktop-light-thread');

      // Star the other message and find it in the starred list.
      await pane.getByRole('button', { name: 'Close thread' }).click();
      await messageAction(uli.page, 'who brings the cake', 'Star');
      await uli.page.getByRole('button', { name: 'Starred messages' }).click();
      const starred = uli.page.getByRole('complementary', { name: 'Starred messages' });
      await starred.locator('.search-result__body', { hasText: 'who brings the cake' }).waitFor();
      assert(
        (await starred.locator('.search-result').count()) === 1,
        'exactly the starred message is listed',
      );
      if (screenshots) await shot(uli.page, 'desktop-light-starred');
      await tia.context.close();
      await uli.context.close();
    },
  ];
}
