import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain-error';
import { checkBallot, checkPollInput } from './poll-input';

const refused = (f: () => unknown, field: string, reason?: string) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    expect((error as DomainError).details.field).toBe(field);
    if (reason) expect((error as DomainError).details.reason).toBe(reason);
    return;
  }
  throw new Error('expected a refusal');
};

describe('checkPollInput', () => {
  it('keeps question and options as written (trimmed), numbering options from 0', () => {
    expect(
      checkPollInput({ question: ' Lunch? ', options: ['Pizza', ' $& 東京 '], anonymous: true }),
    ).toEqual({
      question: 'Lunch?',
      options: [
        { id: '0', text: 'Pizza' },
        { id: '1', text: '$& 東京' },
      ],
      multipleChoice: false,
      anonymous: true,
    });
  });

  it.each([
    [{ question: '' }, 'question', undefined],
    [{ question: ' \u00a0 ' }, 'question', 'BLANK'],
    [{ question: 'q'.repeat(301) }, 'question', undefined],
    [{ question: 'a\nb' }, 'question', undefined],
    [{ question: 'a\u0000' }, 'question', undefined],
    [{ options: ['one'] }, 'options', 'OPTION_COUNT'],
    [{ options: Array.from({ length: 13 }, (_, i) => String(i)) }, 'options', 'OPTION_COUNT'],
    [{ options: ['Yes', 'yes '] }, 'options', 'DUPLICATE_OPTION'],
    [{ options: ['e\u0301', '\u00e9'] }, 'options', 'DUPLICATE_OPTION'],
    [{ options: ['ok', 'o'.repeat(101)] }, 'options', undefined],
    [{ options: ['ok', '\udc00'] }, 'options', undefined],
    [{ options: 'ab' as unknown as string[] }, 'options', undefined],
    [{ multipleChoice: 'yes' as unknown as boolean }, 'multipleChoice', undefined],
  ])('refuses %j', (patch, field, reason) => {
    refused(() => checkPollInput({ question: 'Q?', options: ['a', 'b'], ...patch }), field, reason);
  });

  it('round-trips any valid text (property)', () => {
    const line = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      // eslint-disable-next-line no-control-regex -- leaving control characters out is the point
      .filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s) && s.trim() === s && s.length > 0);
    fc.assert(
      fc.property(
        line,
        fc.uniqueArray(line, {
          minLength: 2,
          maxLength: 12,
          selector: (s) => s.normalize('NFC').toLocaleLowerCase('und'),
        }),
        (question, options) => {
          const checked = checkPollInput({ question, options });
          expect(checked.question).toBe(question);
          expect(checked.options.map((o) => o.text)).toEqual(options);
        },
      ),
    );
  });
});

describe('checkBallot', () => {
  const options = [
    { id: '0', text: 'a' },
    { id: '1', text: 'b' },
    { id: '2', text: 'c' },
  ];
  it('accepts an empty ballot (retract), one choice, or several in a multiple-choice poll', () => {
    expect(checkBallot([], options, false)).toEqual([]);
    expect(checkBallot(['1'], options, false)).toEqual(['1']);
    expect(checkBallot(['2', '0'], options, true)).toEqual(['0', '2']);
  });
  it('refuses several choices in a single-choice poll, unknown or repeated ids', () => {
    refused(() => checkBallot(['0', '1'], options, false), 'optionIds', 'SINGLE_CHOICE');
    refused(() => checkBallot(['3'], options, true), 'optionIds');
    refused(() => checkBallot(['0', '0'], options, true), 'optionIds');
    refused(() => checkBallot([1 as unknown as string], options, true), 'optionIds');
  });
});
