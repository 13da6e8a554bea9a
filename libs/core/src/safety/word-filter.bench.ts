// Micro benchmark of the word filter on the send path: a 4000-character body against 500 words.
// Run: npx vitest bench --run --project unit libs/core/src/safety/word-filter.bench.ts
import { bench, describe } from 'vitest';
import { WordFilter } from './word-filter';

const words = Array.from({ length: 500 }, (_, i) =>
  i % 5 === 0 ? `mot${i} très` : i % 7 === 0 ? `語${i}` : `word${i.toString(36)}x`,
);
const filter = WordFilter.compile(words);
const sentence =
  'The quick brown fox jumps over the lazy dog, ça va très bien 👍🏽 東京で会いましょう. ';
const clean = sentence.repeat(Math.ceil(4000 / sentence.length)).slice(0, 4000);
const dirty = `${clean.slice(0, 3000)} word1x ${clean.slice(3008)}`;

describe('word filter, 4000-character body, 500 words', () => {
  bench('compile 500 words', () => {
    WordFilter.compile(words);
  });
  bench('matches: clean body', () => {
    filter.matches(clean);
  });
  bench('mask: clean body', () => {
    filter.mask(clean);
  });
  bench('mask: body with a match', () => {
    filter.mask(dirty);
  });
});
