import { describe, expect, it } from 'vitest';
import { toggleKind } from './file-sharing-fieldset';

describe('file sharing checkboxes', () => {
  it('adds and removes a kind, always in the canonical order', () => {
    expect(toggleKind(['FILE', 'IMAGE'], 'AUDIO', true)).toEqual(['IMAGE', 'AUDIO', 'FILE']);
    expect(toggleKind(['IMAGE', 'AUDIO', 'VIDEO', 'FILE'], 'FILE', false)).toEqual([
      'IMAGE',
      'AUDIO',
      'VIDEO',
    ]);
    expect(toggleKind(['IMAGE'], 'IMAGE', false)).toEqual([]);
    expect(toggleKind(['IMAGE'], 'IMAGE', true)).toEqual(['IMAGE']);
  });
});
