// Browser test of polls: one member creates a poll from the composer's "Poll" action, another
// votes, and the counts update live on both screens; the creator closes it and the voter sees
// it closed. Saves docs/screenshots/poll.png.
import { assert, eventually } from './harness.mjs';

/** The step, built from run.mjs's helpers (sign-up, opening a chat, screenshots). */
export function pollStep({ signUp, openConversation, shot, screenshots }) {
  return [
    'poll: create a poll from the composer, another member votes, counts update live, closed state',
    async () => {
      const pia = await signUp('pia', 'Pia Poll', { phone: '+14155550271' });
      const quin = await signUp('quin', 'Quin Voter', { phone: '+14155550272' });
      try {
        await pia.page.getByRole('link', { name: 'Contacts' }).first().click();
        await pia.page.getByLabel('Add by phone number').fill(quin.phone);
        await pia.page.getByRole('button', { name: 'Add' }).click();
        await pia.page.locator('.person__name', { hasText: 'Quin Voter' }).waitFor();
        await pia.page.getByRole('link', { name: 'New chat' }).first().click();
        await pia.page.getByRole('tab', { name: 'New group' }).click();
        await pia.page.getByLabel('Group name').fill('Team lunch');
        await pia.page.getByRole('checkbox', { name: 'Quin Voter' }).check();
        await pia.page.getByRole('button', { name: 'Create group' }).click();
        await pia.page.getByLabel('Message', { exact: true }).waitFor();

        // The Poll action beside attach opens the poll form.
        await pia.page.getByRole('button', { name: 'Poll', exact: true }).click();
        const form = pia.page.getByRole('dialog', { name: 'New poll' });
        await form.getByLabel('Question').fill('Where shall we eat on Friday? 🍽');
        await form.getByLabel('Option 1', { exact: true }).fill('Pizza 🍕');
        await form.getByLabel('Option 2', { exact: true }).fill('Sushi 🍣');
        await form.getByRole('button', { name: 'Add option' }).click();
        await form.getByLabel('Option 3', { exact: true }).fill('Tacos $& <b>');
        await form.getByRole('button', { name: 'Create poll' }).click();
        await form.waitFor({ state: 'detached' });

        const piaCard = pia.page.getByRole('group', {
          name: 'Poll: Where shall we eat on Friday? 🍽',
        });
        await piaCard.waitFor();
        await openConversation(quin.page, 'Team lunch');
        const quinCard = quin.page.getByRole('group', {
          name: 'Poll: Where shall we eat on Friday? 🍽',
        });
        await quinCard.waitFor();
        await quinCard.getByRole('button', { name: /^Tacos \$& <b>: 0 votes$/ }).waitFor();

        // Quin votes: both screens show the count (Pia's live, through the event stream).
        await quinCard.getByRole('button', { name: /^Sushi 🍣: 0 votes$/ }).click();
        await quinCard
          .getByRole('button', { name: /^Sushi 🍣: 1 vote$/ })
          .and(quin.page.locator('[aria-pressed="true"]'))
          .waitFor();
        await piaCard.getByRole('button', { name: /^Sushi 🍣: 1 vote$/ }).waitFor();
        // Pia votes too; Quin changes his mind: single choice moves his vote.
        await piaCard.getByRole('button', { name: /^Pizza 🍕: 0 votes$/ }).click();
        await quinCard.getByRole('button', { name: /^Pizza 🍕: 1 vote$/ }).click();
        await piaCard.getByRole('button', { name: /^Pizza 🍕: 2 votes$/ }).waitFor();
        await piaCard.getByRole('button', { name: /^Sushi 🍣: 0 votes$/ }).waitFor();
        await eventually(async () => (await piaCard.textContent())?.includes('2 voters') ?? false, {
          timeout: 10_000,
          message: 'Pia sees 2 voters',
        });
        if (screenshots) await shot(pia.page, 'poll');

        // Only the creator sees "Close poll"; once closed, Quin's buttons are disabled.
        assert(
          (await quinCard.getByRole('button', { name: 'Close poll' }).count()) === 0,
          'no Close poll for a voter',
        );
        await piaCard.getByRole('button', { name: 'Close poll' }).click();
        await quinCard.locator('.poll-card__closed', { hasText: 'Closed' }).waitFor();
        assert(
          await quinCard.getByRole('button', { name: /^Sushi 🍣/ }).isDisabled(),
          'a closed poll takes no votes',
        );
      } finally {
        for (const u of [pia, quin]) await u.context.close();
      }
    },
  ];
}
