// B1: NestJS + Apollo Server + graphql-ws, as the NestJS docs teach. Env: PORT, BENCH_JWT_SECRET.
import { launch } from './_launch.mjs';

const { startB1Server } = launch('b1/b1-main.ts');
const stop = await startB1Server(Number(process.env.PORT ?? 4200));
for (const sig of ['SIGTERM', 'SIGINT'])
  process.once(sig, () => void stop().then(() => process.exit(0)));
if (process.env.BENCH_EXPRESS5_FALLBACK)
  console.warn('[b1] @as-integrations/express5 not installed: using the bench stand-in');
