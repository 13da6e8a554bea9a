import { DomainError, invalid } from '../../shared/domain-error';
import { checkText } from '../../shared/text';
import {
  POLL_MAX_OPTIONS,
  POLL_MIN_OPTIONS,
  POLL_OPTION_MAX,
  POLL_QUESTION_MAX,
  PollOption,
} from './poll';

export interface PollInput {
  question: string;
  options: readonly string[];
  multipleChoice?: boolean | null;
  anonymous?: boolean | null;
}

export interface CheckedPoll {
  question: string;
  options: PollOption[];
  multipleChoice: boolean;
  anonymous: boolean;
}

/**
 * A poll as asked: a question of 1–300 characters (one line), 2–12 options of 1–100 characters
 * each, no two the same (compared trimmed, case-insensitively, in NFC). Text is kept as written
 * (trimmed); control characters and lone surrogates are refused.
 */
export function checkPollInput(input: PollInput): CheckedPoll {
  const question = checkText('question', input.question, { min: 1, max: POLL_QUESTION_MAX });
  if (!Array.isArray(input.options)) throw invalid('options', 'options must be a list');
  if (input.options.length < POLL_MIN_OPTIONS || input.options.length > POLL_MAX_OPTIONS) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `a poll has ${POLL_MIN_OPTIONS}–${POLL_MAX_OPTIONS} options`,
      { field: 'options', reason: 'OPTION_COUNT' },
    );
  }
  const seen = new Set<string>();
  const options = input.options.map((raw, index): PollOption => {
    const text = checkText('options', raw, { min: 1, max: POLL_OPTION_MAX });
    const key = text.normalize('NFC').toLocaleLowerCase('und');
    if (seen.has(key)) {
      throw new DomainError('VALIDATION_FAILED', 'poll options must all be different', {
        field: 'options',
        reason: 'DUPLICATE_OPTION',
      });
    }
    seen.add(key);
    return { id: String(index), text };
  });
  return {
    question,
    options,
    multipleChoice: checkFlag('multipleChoice', input.multipleChoice),
    anonymous: checkFlag('anonymous', input.anonymous),
  };
}

function checkFlag(field: string, value: boolean | null | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid(field, `${field} must be a boolean`);
  return value;
}

/**
 * A ballot for a poll: distinct ids of its options; empty retracts; a single-choice poll takes
 * at most one.
 */
export function checkBallot(
  optionIds: readonly string[],
  options: readonly PollOption[],
  multipleChoice: boolean,
): string[] {
  if (!Array.isArray(optionIds) || optionIds.some((id) => typeof id !== 'string'))
    throw invalid('optionIds', 'optionIds must be a list of option ids');
  const unique = [...new Set(optionIds)];
  if (unique.length !== optionIds.length)
    throw invalid('optionIds', 'an option can be chosen only once');
  if (!multipleChoice && unique.length > 1) {
    throw new DomainError('VALIDATION_FAILED', 'this poll takes a single choice', {
      field: 'optionIds',
      reason: 'SINGLE_CHOICE',
    });
  }
  const known = new Set(options.map((o) => o.id));
  if (unique.some((id) => !known.has(id)))
    throw invalid('optionIds', 'optionIds must be options of this poll');
  return unique.sort((a, b) => Number(a) - Number(b));
}
