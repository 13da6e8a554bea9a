import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { loadConfig } from './platform/config';
import { createApp } from './main';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Prints the schema the code-first resolvers build (`npm run schema` writes schema.graphql). */
async function printIt(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatter-schema-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const app = await createApp(config);
  await app.init();
  const schema = app.get(GraphQLSchemaHost).schema;
  const sdl = `${printSchema(lexicographicSortSchema(schema))}\n`;
  await app.close();
  const out = process.argv[2];
  if (out) writeFileSync(out, sdl);
  else process.stdout.write(sdl);
}

printIt().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
