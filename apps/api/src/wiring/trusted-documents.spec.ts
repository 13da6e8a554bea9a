import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../platform/config';
import { trustedDocumentsFor } from './trusted-documents';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chatter-trusted-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const configWith = (manifest: string) => {
  writeFileSync(path.join(dir, 'manifest.json'), manifest);
  return loadConfig(
    { NODE_ENV: 'test', DATA_DIR: dir, TRUSTED_DOCUMENTS: 'manifest.json' },
    { cwd: dir, repoRoot: dir },
  );
};

describe('trustedDocumentsFor', () => {
  it('reads the manifest once per configuration, enforced as configured', () => {
    const text = '{ me { id } }';
    const hash = createHash('sha256').update(text).digest('hex');
    const config = configWith(JSON.stringify({ [hash]: text }));
    const trusted = trustedDocumentsFor(config);
    expect(trusted.enforced).toBe(true);
    expect(trusted.text(hash)).toBe(text);
    expect(trustedDocumentsFor(config)).toBe(trusted);
  });

  it('stops the API with one line naming TRUSTED_DOCUMENTS for a manifest it cannot use', () => {
    for (const bad of ['not json', '{"abc": "{ me { id } }"}', '{}']) {
      const error = (() => {
        try {
          trustedDocumentsFor(configWith(bad));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(
        /^Invalid configuration: TRUSTED_DOCUMENTS: the manifest .*manifest\.json cannot be used: /,
      );
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('answers no hash and enforces nothing without a manifest', () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }, { cwd: dir, repoRoot: dir });
    const trusted = trustedDocumentsFor(config);
    expect(trusted.enforced).toBe(false);
    expect(trusted.size).toBe(0);
  });
});
