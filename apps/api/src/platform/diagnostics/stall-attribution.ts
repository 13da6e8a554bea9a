/**
 * Attributing event-loop stalls to code: given a V8 CPU profile (as the inspector's
 * `Profiler.stop` returns it) and the windows in which the loop stalled, sums the sampled time
 * inside each window by cause (garbage collection, SQLite, socket writes, GraphQL execution…),
 * by Chatter's own innermost function and by the innermost function overall.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  parent?: number;
  children?: number[];
}

/** A V8 CPU profile: times in microseconds on the monotonic clock (`process.hrtime`). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A stretch in which the loop did not turn for longer than the threshold (µs, monotonic). */
export interface StallWindow {
  start: number;
  end: number;
}

export interface AttributedStall {
  /** Monotonic start, µs. */
  start: number;
  durationMs: number;
  /** Sampled milliseconds in the window, by cause and by own innermost frame. */
  causes: Record<string, number>;
  ownFrames: Record<string, number>;
  /** Set by the sampler once measured windows exist: whether the stall overlapped one. */
  inWindow?: boolean;
}

export interface StallAttribution {
  stalls: AttributedStall[];
  causes: Record<string, number>;
  ownFrames: Record<string, number>;
  leafFrames: Record<string, number>;
}

/** Which frames are Chatter's own code (built or source layout). */
const OWN_CODE = /\/(apps|libs)\/[^/]+\/src\//;

/** Causes, checked from the innermost frame outwards; the first that matches names the sample. */
const CAUSES: { cause: string; test: (name: string, url: string) => boolean }[] = [
  { cause: 'garbage collection', test: (name) => name === '(garbage collector)' },
  { cause: 'SQLite', test: (_n, url) => /better-sqlite3|\/store-sqlite\//.test(url) },
  {
    cause: 'MongoDB driver',
    test: (_n, url) => /node_modules\/(mongodb|bson|mongoose)\//.test(url),
  },
  {
    cause: 'socket writes',
    test: (name, url) =>
      /^(writev|writeGeneric|writeBuffer|writeUtf8String|writeLatin1String)$/.test(name) ||
      /node_modules\/ws\/|node:internal\/stream_base_commons|node:net$/.test(url),
  },
  { cause: 'JSON', test: (name, url) => url === '' && /^(stringify|parse)$/.test(name) },
  {
    cause: 'GraphQL execution',
    test: (_n, url) => /node_modules\/(graphql|graphql-ws)\//.test(url),
  },
  {
    cause: 'HTTP framework',
    test: (_n, url) =>
      /node_modules\/(@apollo|@nestjs|express|body-parser|helmet|compression|cors|pino|raw-body)/.test(
        url,
      ) || /node:_http|node:internal\/http/.test(url),
  },
  {
    cause: 'bus client (NATS, Redis)',
    test: (_n, url) => /node_modules\/(nats|@nats-io|ioredis|redis)\//.test(url),
  },
  { cause: 'compiling and parsing', test: (name) => name === '(program)' },
  { cause: 'idle (the thread was not running JavaScript)', test: (name) => name === '(idle)' },
];
const OWN_CODE_CAUSE = 'Chatter code';
const OTHER_CAUSE = 'other';

const frameName = (node: CpuProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^.*\/((apps|libs)\/[^/]+\/src\/)/, '$1')
    .replace(/^.*node_modules\//, '');
  const name = functionName || '(anonymous)';
  return file ? `${name} ${file}:${lineNumber + 1}` : name;
};

const add = (into: Record<string, number>, key: string, ms: number) => {
  into[key] = (into[key] ?? 0) + ms;
};

/** Sums the profile's samples that fall inside `windows` (sorted or not). */
export function attributeStalls(profile: CpuProfile, windows: StallWindow[]): StallAttribution {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes)
    for (const child of node.children ?? []) {
      const c = byId.get(child);
      if (c && c.parent === undefined) c.parent = node.id;
    }
  const memo = new Map<number, { cause: string; own: string | null; leaf: string }>();
  const describe = (id: number) => {
    const known = memo.get(id);
    if (known) return known;
    const leafNode = byId.get(id);
    let cause: string | null = null;
    let own: string | null = null;
    for (
      let node = leafNode;
      node;
      node = node.parent === undefined ? undefined : byId.get(node.parent)
    ) {
      const { functionName, url } = node.callFrame;
      if (cause === null) cause = CAUSES.find((c) => c.test(functionName, url))?.cause ?? null;
      if (own === null && OWN_CODE.test(url) && !url.includes('node_modules'))
        own = frameName(node);
      if (cause !== null && own !== null) break;
    }
    const result = {
      cause: cause ?? (own ? OWN_CODE_CAUSE : OTHER_CAUSE),
      own,
      leaf: leafNode ? frameName(leafNode) : '(unknown)',
    };
    memo.set(id, result);
    return result;
  };

  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const stalls: AttributedStall[] = sorted.map((w) => ({
    start: w.start,
    durationMs: (w.end - w.start) / 1000,
    causes: {},
    ownFrames: {},
  }));
  const total: StallAttribution = { stalls, causes: {}, ownFrames: {}, leafFrames: {} };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  let w = 0;
  for (let i = 0; i < samples.length; i++) {
    const delta = deltas[i] ?? 0;
    t += delta;
    while (w < sorted.length && sorted[w]!.end < t) w++;
    if (w >= sorted.length) break;
    if (t < sorted[w]!.start) continue;
    const ms = delta / 1000;
    const { cause, own, leaf } = describe(samples[i]!);
    add(stalls[w]!.causes, cause, ms);
    add(total.causes, cause, ms);
    add(total.leafFrames, leaf, ms);
    if (own) {
      add(stalls[w]!.ownFrames, own, ms);
      add(total.ownFrames, own, ms);
    }
  }
  return total;
}

/** Adds `more` into `into` (the sampler profiles in slices and merges them). */
export function mergeAttribution(into: StallAttribution, more: StallAttribution): void {
  into.stalls.push(...more.stalls);
  for (const key of ['causes', 'ownFrames', 'leafFrames'] as const)
    for (const [k, ms] of Object.entries(more[key])) add(into[key], k, ms);
}

/** The `n` largest entries, largest first. */
export const top = (record: Record<string, number>, n: number): [string, number][] =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
