import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  allMessages,
  appUser,
  createGroup,
  expectCode,
  expectNoUnexpectedErrors,
  newClientId,
  openDm,
  post,
  send,
  startMessagingApi,
} from './messaging-helpers';

const REACT =
  'mutation($m:ID!,$e:String!){ addReaction(messageId:$m, emoji:$e){ id reactions { emoji count } } }';
const EDIT = 'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ id body } }';
const STATUS = 'mutation($e:String){ updateProfile(input:{statusEmoji:$e}){ id statusEmoji } }';

describe('message fixes: clientMessageId conflicts, line breaks, blank bodies, one-emoji reactions', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startMessagingApi();
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('a clientMessageId reused in another conversation or with another body is a CONFLICT; a true retry returns the first message', async () => {
    const [alice, bob] = await Promise.all([appUser(api, 'Cmi Alice'), appUser(api, 'Cmi Bob')]);
    const group = await createGroup(api, alice, [bob], 'First');
    const dm = await openDm(api, alice, bob);
    const clientMessageId = newClientId();

    const first = await send(api, alice, group, 'hello\r\nthere', { clientMessageId });
    expect(first.errors).toBeUndefined();
    const message = first.data!.sendMessage;
    expect(message.body).toBe('hello\nthere');

    // The same send again (also with the line break written another way) is a retry.
    for (const body of ['hello\r\nthere', 'hello\nthere']) {
      const retry = await send(api, alice, group, body, { clientMessageId });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.sendMessage).toMatchObject({ id: message.id, seq: message.seq });
    }

    const elsewhere = await send(api, alice, dm, 'hello\nthere', { clientMessageId });
    expectCode(elsewhere, 'CONFLICT', 'clientMessageId');
    expect(elsewhere.errors![0]!.extensions!.reason).toBe('CLIENT_MESSAGE_ID_REUSED');
    expectCode(
      await send(api, alice, group, 'something else', { clientMessageId }),
      'CONFLICT',
      'clientMessageId',
    );
    expectCode(
      await send(api, alice, group, 'hello\nthere', { clientMessageId, replyToId: message.id }),
      'CONFLICT',
      'clientMessageId',
    );
    expect(await allMessages(api, bob, dm)).toEqual([]);
    expect((await allMessages(api, bob, group)).map((m) => m.id)).toEqual([message.id]);

    // Once edited, the original body is gone: a retry still answers the message.
    expect(
      (await ok(api, EDIT, { id: message.id, b: 'edited' }, alice.token)).editMessage.body,
    ).toBe('edited');
    const late = await send(api, alice, group, 'hello\nthere', { clientMessageId });
    expect(late.data?.sendMessage).toMatchObject({ id: message.id, body: 'edited' });
  });

  it('\\r\\n and \\r become \\n in sends and edits; blank bodies get their own message', async () => {
    const [alice, bob] = await Promise.all([appUser(api, 'Crlf Alice'), appUser(api, 'Crlf Bob')]);
    const group = await createGroup(api, alice, [bob], 'Line breaks');
    const sent = await post(api, alice, group, 'line 1\r\nline 2\rline 3\n');
    expect(sent.body).toBe('line 1\nline 2\nline 3\n');
    expect(
      (await ok(api, EDIT, { id: sent.id, b: 'a\r\n\r\nb' }, alice.token)).editMessage.body,
    ).toBe('a\n\nb');
    expect((await allMessages(api, bob, group)).map((m) => m.body)).toEqual(['a\n\nb']);

    for (const blank of [' ', '\r\n', '   \n\t  ', '\u00a0\u3000']) {
      for (const result of [
        await send(api, alice, group, blank),
        await gql(api, EDIT, { id: sent.id, b: blank }, alice.token),
      ]) {
        expectCode(result, 'BAD_USER_INPUT', 'body');
        expect(result.errors![0]!.message).toBe('body cannot be only whitespace');
        expect(result.errors![0]!.extensions!.reason).toBe('BLANK');
      }
    }
    const empty = await send(api, alice, group, '');
    expectCode(empty, 'BAD_USER_INPUT', 'body');
    expect(empty.errors![0]!.message).toBe('body must be 1–4000 characters');
  });

  it('reactions and the status emoji take exactly one emoji grapheme cluster', async () => {
    const [alice, bob] = await Promise.all([
      appUser(api, 'Emoji Alice'),
      appUser(api, 'Emoji Bob'),
    ]);
    const group = await createGroup(api, alice, [bob], 'Emoji');
    const message = await post(api, alice, group, 'react to me');
    const accepted = ['1️⃣', '🇺🇸', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '👩🏽‍❤️‍💋‍👨🏿', '❤️'];
    for (const e of accepted) {
      const result = await gql(api, REACT, { m: message.id, e }, bob.token);
      expect(result.errors, e).toBeUndefined();
    }
    const reactions = (await allMessages(api, alice, group))[0]!.reactions.map((r) => r.emoji);
    expect(reactions).toEqual(accepted);
    for (const e of ['👍👍👍', '🇺🇸🇫🇷', '1', '1⃣', '🇺', 'a', '👍 ', '\u200d', ':+1:']) {
      expectCode(await gql(api, REACT, { m: message.id, e }, bob.token), 'BAD_USER_INPUT', 'emoji');
    }

    for (const e of ['1️⃣', '🇯🇵', '👩🏽‍❤️‍💋‍👨🏿']) {
      expect((await ok(api, STATUS, { e }, alice.token)).updateProfile.statusEmoji).toBe(e);
    }
    for (const e of ['👍👍', '🇺🇸🇫🇷', 'ok', '1']) {
      expectCode(await gql(api, STATUS, { e }, alice.token), 'BAD_USER_INPUT', 'statusEmoji');
    }
    expect((await ok(api, STATUS, { e: null }, alice.token)).updateProfile.statusEmoji).toBeNull();
  });
});
