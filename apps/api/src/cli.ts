import 'reflect-metadata';
import { DomainError, ManageTenants } from '@chatter/core';
import { ConfigError, loadConfig } from './platform/config';
import { createApp } from './main';

const USAGE = `Usage: npm run chatter -- tenant create <id> <name>
       npm run chatter -- tenant list
       npm run chatter -- tenant rotate-secret <id>
Uses the same configuration (environment) as the server.`;

/** Operator commands (tenant administration) against the configured store. */
export async function cli(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  if (area !== 'tenant' || !command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const app = await createApp(config);
  await app.init();
  try {
    const tenants = app.get(ManageTenants);
    await tenants.ensureDefault(config.auth.defaultTenantSecret ?? null);
    switch (command) {
      case 'create': {
        const [id, ...name] = rest;
        if (!id || name.length === 0)
          throw new DomainError('VALIDATION_FAILED', 'tenant create needs <id> and <name>');
        const tenant = await tenants.create(id, name.join(' '));
        process.stdout.write(
          `created tenant ${tenant.id} (${tenant.name})\nsigning secret for app-issued tokens: ${tenant.signingSecret}\n`,
        );
        return 0;
      }
      case 'list':
        for (const t of await tenants.list())
          process.stdout.write(`${t.id}\t${t.name}\t${t.createdAt.toISOString()}\n`);
        return 0;
      case 'rotate-secret': {
        const tenant = await tenants.rotateSecret(rest[0] ?? '');
        process.stdout.write(`new signing secret for ${tenant.id}: ${tenant.signingSecret}\n`);
        return 0;
      }
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message =
        error instanceof ConfigError || error instanceof DomainError
          ? error.message
          : String(error);
      process.stderr.write(`chatter: ${message}\n`);
      process.exit(1);
    },
  );
}
