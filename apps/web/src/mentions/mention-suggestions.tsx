import type { MentionedUser } from './mention-text';

export const MENTION_LISTBOX_ID = 'mention-suggestions';
export const mentionOptionId = (i: number) => `mention-option-${i}`;

/** The autocomplete list under the composer; the textarea keeps focus (aria-activedescendant). */
export function MentionSuggestions({
  options,
  active,
  onPick,
}: {
  options: readonly MentionedUser[];
  active: number;
  onPick: (option: MentionedUser) => void;
}) {
  return (
    <ul className="mention-list" id={MENTION_LISTBOX_ID} role="listbox" aria-label="Mention">
      {options.map((o, i) => (
        <li
          key={o.id}
          id={mentionOptionId(i)}
          role="option"
          aria-selected={i === active}
          className={`mention-list__option ${i === active ? 'mention-list__option--active' : ''}`}
          // Keep the textarea focused: pick on mousedown, before it would blur.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(o);
          }}
        >
          {o.id === ALL_OPTION.id ? (
            <>
              <strong>@all</strong> <span className="mention-list__hint">everyone here</span>
            </>
          ) : (
            <>@{o.name}</>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The `@all` entry of the list (not a person: inserted as the word itself). */
export const ALL_OPTION: MentionedUser = { id: '@all', name: 'all' };
