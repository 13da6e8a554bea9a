import { useMemo, useState, type KeyboardEvent, type RefObject } from 'react';
import { useQuery } from '@apollo/client';
import { ConversationDocument, ConversationMembersDocument } from '@chatter/client';
import { ALL_OPTION } from './mention-suggestions';
import {
  activeMentionQuery,
  insertMention,
  matchCandidates,
  type MentionedUser,
} from './mention-text';

const MEMBERS_PAGE = 100;

/**
 * Mention autocomplete for a textarea: what is being typed after `@`, the matching members (and
 * `@all` in groups and channels), keyboard handling, and the people picked so far (their names
 * become tokens when sending: `draftToBody`).
 */
export function useMentionAutocomplete(options: {
  conversationId: string;
  myId: string | null;
  text: string;
  setText: (text: string) => void;
  input: RefObject<HTMLTextAreaElement | null>;
}) {
  const { conversationId, myId, text, setText, input } = options;
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [picked, setPicked] = useState<MentionedUser[]>([]);
  const query = activeMentionQuery(text, caret);
  const open = query !== null && dismissedAt !== query.start;

  const conversation = useQuery(ConversationDocument, {
    variables: { id: conversationId },
    fetchPolicy: 'cache-only',
  }).data?.conversation;
  const members = useQuery(ConversationMembersDocument, {
    variables: { id: conversationId, first: MEMBERS_PAGE },
    skip: !open,
  }).data?.conversation?.members.edges;

  const suggestions = useMemo(() => {
    if (!query) return [];
    const people = (members ?? [])
      .map((e) => ({ id: e.node.user.id, name: e.node.user.name }))
      .filter((u) => u.id !== myId);
    const all = conversation && conversation.kind !== 'DIRECT' ? [ALL_OPTION] : [];
    return matchCandidates([...all, ...people], query.query);
  }, [query, members, conversation, myId]);

  const pick = (option: MentionedUser) => {
    if (!query) return;
    const next = insertMention(text, query.start, caret, option.name);
    setText(next.text);
    if (option.id !== ALL_OPTION.id)
      setPicked((p) => (p.some((u) => u.id === option.id) ? p : [...p, option]));
    setActive(0);
    setCaret(next.caret);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  /** Handles the key when the list is open; true when it did (the caller then does nothing else). */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || suggestions.length === 0) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + suggestions.length) % suggestions.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      e.preventDefault();
      pick(suggestions[Math.min(active, suggestions.length - 1)]!);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissedAt(query!.start);
      return true;
    }
    return false;
  };

  return {
    open: open && suggestions.length > 0,
    suggestions,
    active: Math.min(active, Math.max(suggestions.length - 1, 0)),
    picked,
    setPicked,
    pick,
    onKeyDown,
    /** Call with the textarea's caret after every change or caret move. */
    track: (position: number) => {
      setCaret(position);
      if (dismissedAt !== null && activeMentionQuery(text, position)?.start !== dismissedAt)
        setDismissedAt(null);
    },
  };
}
