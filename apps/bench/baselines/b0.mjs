// B0: raw `ws` server with in-memory rooms. Env: PORT, BENCH_JWT_SECRET.
import { launch } from './_launch.mjs';

const { startB0Server } = launch('b0/b0-server.ts');
const stop = await startB0Server(Number(process.env.PORT ?? 4100));
for (const sig of ['SIGTERM', 'SIGINT'])
  process.once(sig, () => void stop().then(() => process.exit(0)));
