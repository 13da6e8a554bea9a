#!/usr/bin/env node
// Lighthouse on the built web app served by a real API process, in Debian's Chromium, with
// Lighthouse's default (mobile, simulated throttling) settings. Prints the category scores.
// Usage: node apps/web-e2e/lighthouse.mjs [--build] [--assert]
// --assert (the test command) fails below the targets: accessibility and best practices 100.
// Performance is measured on this machine's main thread, so a busy machine scores it far lower
// (38 instead of 95 under a load of 36 on 2 cores): it is reported, and asserted only when
// LIGHTHOUSE_MIN_PERFORMANCE is set (e.g. 90 on a quiet runner).
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM, ensureBuilt, startApi } from './src/harness.mjs';

ensureBuilt(process.argv.includes('--build'));
const api = await startApi();
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
});
const TARGETS = {
  accessibility: 100,
  'best-practices': 100,
  ...(process.env.LIGHTHOUSE_MIN_PERFORMANCE
    ? { performance: Number(process.env.LIGHTHOUSE_MIN_PERFORMANCE) }
    : {}),
};
let missed = [];
try {
  // A run Lighthouse could not complete (the page did not load or paint: `runtimeError`, every
  // score 0) says nothing about the app: it is reported and tried once more.
  let result;
  for (let attempt = 1; ; attempt++) {
    result = await lighthouse(`${api.url}/`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const error = result.lhr.runtimeError;
    if (!error) break;
    console.error(`lighthouse could not complete run ${attempt}: ${error.code} ${error.message}`);
    if (attempt === 2) throw new Error(`lighthouse: ${error.code}`);
  }
  const { categories, audits } = result.lhr;
  for (const c of Object.values(categories))
    console.log(`${c.title}: ${Math.round(c.score * 100)}`);
  for (const id of [
    'first-contentful-paint',
    'largest-contentful-paint',
    'total-blocking-time',
    'cumulative-layout-shift',
    'speed-index',
  ]) {
    console.log(`  ${audits[id].title}: ${audits[id].displayValue}`);
  }
  const failing = Object.values(audits).filter(
    (a) =>
      a.score !== null &&
      a.score < 1 &&
      a.scoreDisplayMode !== 'informative' &&
      a.scoreDisplayMode !== 'manual' &&
      a.scoreDisplayMode !== 'notApplicable',
  );
  for (const a of failing.slice(0, 15))
    console.log(`  below 100: ${a.id} (${a.displayValue ?? a.score})`);
  missed = Object.entries(TARGETS)
    .map(([id, min]) => [id, Math.round((categories[id]?.score ?? 0) * 100), min])
    .filter(([, score, min]) => score < min);
} finally {
  await chrome.kill();
  await api.stop();
}
if (process.argv.includes('--assert') && missed.length) {
  for (const [id, score, min] of missed) console.error(`lighthouse: ${id} ${score} < ${min}`);
  process.exit(1);
}
