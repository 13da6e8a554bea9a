import type { TargetKind } from '../load/ipc';

export interface CliOptions {
  smoke: boolean;
  scenarios: number[];
  durationS: number;
  scale: number;
  workers: number;
  targets: TargetKind[];
  outDir: string;
  help: boolean;
}

export const ALL_SCENARIOS = [1, 2, 3, 4, 5, 6, 7];
const ALL_TARGETS: TargetKind[] = ['chatter', 'b0', 'b1'];

export const USAGE = `Usage: npm run bench -- [options]
  --smoke             every scenario at tiny scale (< ~60 s); exits 1 on failures, loss or duplicates
  --scenario N[,M]    run only these scenarios (1-7)
  --duration S        seconds per measured step (default 5)
  --scale F           multiply connection and message counts (default 1 = the issue's sizes)
  --targets LIST      comma list of chatter,b0,b1 (default all)
  --workers N         load-generator processes (default 2)
  --out DIR           results directory (default bench/results)
  --node MAJOR        run the bench, every server and load generator on Node.js MAJOR (e.g. 24,
                      the version the container image ships), fetched from the npm registry on
                      first use; default: the Node.js that runs npm`;

function num(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min)
    throw new Error(`${flag} needs a number ≥ ${min}`);
  return n;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    smoke: false,
    scenarios: ALL_SCENARIOS,
    durationS: 5,
    scale: 1,
    workers: 2,
    targets: ALL_TARGETS,
    outDir: 'bench/results',
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=')
      ? (a.split(/=(.*)/s, 2) as [string, string])
      : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--smoke':
        o.smoke = true;
        break;
      case '--scenario':
      case '--scenarios': {
        const v = value() ?? '';
        const list = v.split(',').map((x) => Number(x.trim()));
        if (list.length === 0 || list.some((n) => !ALL_SCENARIOS.includes(n)))
          throw new Error(`--scenario takes numbers among ${ALL_SCENARIOS.join(',')}`);
        o.scenarios = [...new Set(list)].sort((a, b) => a - b);
        break;
      }
      case '--duration':
        o.durationS = num(flag, value(), 0.5);
        break;
      case '--scale':
        o.scale = num(flag, value(), 0.001);
        break;
      case '--workers':
        o.workers = Math.round(num(flag, value(), 1));
        break;
      case '--targets': {
        const list = (value() ?? '').split(',').map((x) => x.trim()) as TargetKind[];
        if (list.length === 0 || list.some((t) => !ALL_TARGETS.includes(t)))
          throw new Error(`--targets takes ${ALL_TARGETS.join(',')}`);
        o.targets = ALL_TARGETS.filter((t) => list.includes(t));
        break;
      }
      case '--out':
        o.outDir = value() ?? o.outDir;
        break;
      case '--node':
        // Handled by run.mjs, which re-runs the bench on that Node.js before this parses; kept
        // here so the report's command names it.
        if (!/^\d+$/.test(value() ?? '')) throw new Error('--node takes a Node.js major version');
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

/** Splits the cores: the first half for servers, the rest for the load generator. */
export function cpuSplit(cpus: number): { server: string; load: string } | undefined {
  if (cpus < 2) return undefined;
  const half = Math.floor(cpus / 2);
  const range = (a: number, b: number): string => (a === b ? String(a) : `${a}-${b}`);
  return { server: range(0, half - 1), load: range(half, cpus - 1) };
}
