import { describe, expect, it } from 'vitest';
import { wordsOf } from './use-tenant-safety-form';
import { reportOutcomeText } from './report-outcome-notice';

describe('tenant settings form', () => {
  it('takes one word or phrase per non-blank line, trimmed', () => {
    expect(wordsOf('darn\n\n  très mal  \r\n馬鹿\n   ')).toEqual(['darn', 'très mal', '馬鹿']);
    expect(wordsOf('')).toEqual([]);
  });
});

describe('report outcome notice', () => {
  it('says what was done in plain words', () => {
    expect(reportOutcomeText('MESSAGE_DELETED')).toBe('The message was removed.');
    expect(reportOutcomeText('USER_BANNED')).toBe('The person was banned.');
    expect(reportOutcomeText(null)).toBe('It was reviewed.');
  });
});
