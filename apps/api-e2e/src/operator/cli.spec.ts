import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driverEnv, gql, startApi } from '../support';

const ROOT = resolve(__dirname, '../../../..');
const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'dist/api/apps/api/src/cli.js'), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...driverEnv(),
    },
    encoding: 'utf8',
  });

describe('operator CLI and configuration errors', () => {
  it('creates and lists tenants; the new tenant works for sign-in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chatter-cli-'));
    const created = cli(dataDir, 'tenant', 'create', 'acme', 'Acme Corp');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(
      /created tenant acme \(Acme Corp\)\nsigning secret for app-issued tokens: \S{32,}/,
    );
    const bad = cli(dataDir, 'tenant', 'create', 'Not Valid', 'x');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('tenant id must be');
    const listed = cli(dataDir, 'tenant', 'list');
    expect(
      listed.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['acme', 'default']);
    const api = await startApi({}, { dataDir });
    try {
      const ok = await gql(
        api,
        'mutation { requestLoginCode(phone:"+14155550111", tenant:"acme"){ sent } }',
      );
      expect(ok.data).toEqual({ requestLoginCode: { sent: true } });
      // An unknown tenant answers like a known one (sign-in does not reveal which tenants exist).
      const missing = await gql(
        api,
        'mutation { requestLoginCode(phone:"+14155550112", tenant:"nope"){ sent } }',
      );
      expect(missing.data).toEqual({ requestLoginCode: { sent: true } });
    } finally {
      await api.stop();
    }
  });

  it('refuses an invalid setting with one clear line and a non-zero exit', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/api/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...driverEnv(),
        PORT: 'abc',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'chatter-cfg-')),
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PORT/);
    expect(lines[0]).toContain('"abc"');
  });

  it('refuses a cluster store with an in-process bus', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/api/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        MONGODB_URI: 'mongodb://127.0.0.1:1/x',
        BUS: 'memory',
        REDIS_URL: 'redis://127.0.0.1:1',
        JWT_SECRET: 'x'.repeat(40),
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/BUS/);
  });
});
