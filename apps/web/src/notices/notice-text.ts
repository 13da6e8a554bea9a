import type { NoticeFieldsFragment } from '@chatter/client';
import { disappearingNotice } from '../disappearing/timer-label';

type Who = { id: string; name: string } | null | undefined;

const ROLE_WORDS: Record<string, string> = {
  OWNER: 'an owner',
  ADMIN: 'an admin',
  MEMBER: 'a member',
};

/**
 * The sentence of a timeline line, from the viewer's side: "Ada added Dan", "You left",
 * "Ada added you". Names are returned as text; the component renders it escaped like any text.
 */
export function noticeText(
  n: NoticeFieldsFragment,
  myUserId: string,
  kind: 'GROUP' | 'CHANNEL' | 'DIRECT',
): string {
  const name = (who: Who, start: boolean) =>
    !who
      ? start
        ? 'Someone'
        : 'someone'
      : who.id === myUserId
        ? start
          ? 'You'
          : 'you'
        : who.name;
  const actor = name(n.actor, true);
  const member = name(n.member, false);
  const Member = name(n.member, true);
  const place = kind === 'CHANNEL' ? 'the channel' : 'the group';
  switch (n.kind) {
    case 'MEMBER_ADDED':
      return n.actor
        ? `${actor} added ${member}`
        : `${Member} ${isMe(n.member, myUserId) ? 'were' : 'was'} added`;
    case 'MEMBER_JOINED':
      return `${Member} joined`;
    case 'MEMBER_REMOVED':
      return n.actor
        ? `${actor} removed ${member}`
        : `${Member} ${isMe(n.member, myUserId) ? 'were' : 'was'} removed`;
    case 'MEMBER_LEFT':
      return `${Member} left`;
    case 'ROLE_CHANGED': {
      const role = ROLE_WORDS[n.role ?? ''] ?? 'a member';
      return n.actor ? `${actor} made ${member} ${role}` : `${Member} became ${role}`;
    }
    case 'TITLE_CHANGED':
      return n.actor
        ? `${actor} renamed ${place} to “${n.title ?? ''}”`
        : `${capital(place)} was renamed to “${n.title ?? ''}”`;
    case 'HISTORY_VISIBILITY_CHANGED':
      return n.historyVisibility === 'FULL'
        ? `${actor} let new members see earlier messages`
        : `${actor} set new members to see only messages from when they join`;
    case 'DESCRIPTION_CHANGED':
      return n.description
        ? `${actor} changed the description`
        : `${actor} removed the description`;
    case 'DISAPPEARING_CHANGED':
      return disappearingNotice(actor, n.disappearAfterSeconds);
    case 'CONVERSATION_CHANGED':
      return `${capital(place)} settings changed`;
  }
}

const isMe = (who: Who, myUserId: string) => who?.id === myUserId;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
