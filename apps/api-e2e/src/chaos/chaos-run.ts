import { ApiProcess, appUser, newTenantSecret, ok, Session, sleep } from '../support';
import { BusKind, ChaosCluster, openFds } from './chaos-cluster';
import { FaultDriver } from './chaos-faults';
import { Rng } from './chaos-rng';
import { ChaosUser, ChaosWorld, MessageView } from './chaos-user';

export interface ChaosOptions {
  seed: number;
  durationMs: number;
  instances: number;
  users: number;
  /** The bus (default: NATS for odd seeds, Redis pub/sub for even ones). */
  bus?: BusKind;
  /** Progress lines (faults, phases). */
  log?: (line: string) => void;
}

export interface ResourceSample {
  instance: number;
  fds: number;
  heapMiB: number;
  rssMiB: number;
}

export interface ChaosReport {
  seed: number;
  bus: BusKind;
  instances: number;
  users: number;
  durationS: number;
  faults: Record<string, number>;
  operations: Record<string, { attempted: number; acknowledged: number }>;
  failures: Record<string, number>;
  acknowledgedMessages: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  resyncs: number;
  /** Messages whose state in a client differs from a fresh fetch after quiescence. */
  stateMismatches: number;
  crashes: string[];
  /** Faults the driver could not undo (an instance that would not start again…). */
  driverFailures: string[];
  /** Whether every instance showed every connected user ONLINE after quiescence. */
  presenceConverged: boolean;
  /** Longest time from the end of the faults until an instance answered /readyz 200 (ms; -1 = never). */
  readyAfterMs: number;
  /** Never-restarted instances: open fds and memory after warm-up and after quiescence. */
  baseline: ResourceSample[];
  end: ResourceSample[];
  resourcesBack: boolean;
  /** The first few problems, for the failure message. */
  samples: string[];
  faultLog: string[];
}

/**
 * One seeded chaos run: a cluster, simulated users operating on it while the fault driver breaks
 * its services, then quiescence and the invariants. Crashes stop the run early.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const rng = new Rng(options.seed);
  const bus = options.bus ?? (options.seed % 2 === 1 ? 'nats' : 'redis');
  const secret = newTenantSecret();
  log(
    `chaos seed ${options.seed}: ${options.instances} instances, ${bus} bus, ${options.users} users, ${Math.round(options.durationMs / 1000)} s`,
  );
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const cluster = await ChaosCluster.start({
    instances: options.instances,
    bus,
    tenantSecret: secret,
  });
  log(`cluster up after ${since()}`);
  const world: ChaosWorld = {
    live: () => cluster.live(),
    acknowledged: [],
    operations: new Map(),
    failures: new Map(),
  };
  const users: ChaosUser[] = [];
  const samples: string[] = [];
  try {
    const first = cluster.live()[0]!;
    const sessions: Session[] = [];
    for (let i = 0; i < options.users; i++)
      sessions.push(await appUser(first, `Chaos ${i}`, secret));
    const memberships = await createConversations(first, sessions, rng.fork('conversations'));
    for (const [i, session] of sessions.entries()) {
      users.push(new ChaosUser(i, session, memberships[i]!, rng.fork(`user ${i}`), world));
    }
    users.forEach((u) => u.start());
    await waitUntil(() => users.every((u) => u.streaming), 30_000, 'every client streaming');

    // Warm-up without faults, then the resource baseline of the instances that are never restarted.
    const warmup = users.map((u) => u.operate());
    await sleep(Math.min(5_000, options.durationMs / 8));
    const steady = cluster.slots.filter((s) => s !== cluster.victim);
    const baseline = await Promise.all(steady.map((s) => sample(s.index, s.api!)));

    // Short runs inject shorter faults more often, so that a few seconds cover every kind.
    const short = options.durationMs < 120_000;
    const driver = new FaultDriver(
      cluster,
      rng.fork('faults'),
      short
        ? { gapMs: [300, 1_500], holdMs: [700, 3_000], log }
        : { gapMs: [500, 3_000], holdMs: [1_000, 5_000], log },
    );
    log(`faults start after ${since()}`);
    const faults = driver.run();
    const end = Date.now() + options.durationMs;
    let crashed = false;
    while (Date.now() < end) {
      await sleep(500);
      if (cluster.crashes().length > 0) {
        crashed = true;
        break;
      }
    }
    driver.stop();
    users.forEach((u) => u.stopOperations());
    await Promise.all([faults, ...warmup]);
    if (crashed) {
      // The other invariants mean little once a process died: report the crash itself.
      log(`an instance crashed after ${since()}: stopping`);
      return {
        seed: options.seed,
        bus,
        instances: options.instances,
        users: options.users,
        durationS: Math.round(options.durationMs / 1000),
        faults: Object.fromEntries(driver.counts),
        operations: Object.fromEntries(world.operations),
        failures: Object.fromEntries(world.failures),
        acknowledgedMessages: world.acknowledged.length,
        lost: 0,
        duplicated: users.reduce((n, u) => n + u.duplicates.length, 0),
        outOfOrder: users.reduce((n, u) => n + u.outOfOrder.length, 0),
        resyncs: 0,
        stateMismatches: 0,
        crashes: cluster.crashes(),
        driverFailures: driver.failures,
        presenceConverged: false,
        readyAfterMs: -1,
        baseline,
        end: [],
        resourcesBack: false,
        samples,
        faultLog: driver.log,
      };
    }

    // Quiescence: every fault undone; instances must become ready by themselves.
    log(`quiescence after ${since()}`);
    const healedAt = Date.now();
    await cluster.heal();
    let readyAfterMs = 0;
    for (const api of cluster.live()) {
      const ok = await waitUntil(
        async () => (await readyz(api)) === 200,
        60_000,
        `${api.url} ready`,
      ).then(
        () => true,
        () => false,
      );
      readyAfterMs = ok ? Math.max(readyAfterMs, Date.now() - healedAt) : -1;
      if (!ok) samples.push(`${api.url} not ready 60 s after the faults ended`);
      if (!ok) break;
    }
    users.forEach((u) => u.ensureStreaming());
    const isLost = (u: ChaosUser, m: { conversationId: string; seq: number }) =>
      u.conversations.includes(m.conversationId) && !u.added.get(m.conversationId)!.has(m.seq);
    await waitUntil(
      () => users.every((u) => u.streaming && !world.acknowledged.some((m) => isLost(u, m))),
      60_000,
      'every acknowledged message delivered',
    ).catch(() => undefined);
    await sleep(2_000); // anything duplicated or late arrives meanwhile

    let lost = 0;
    for (const u of users) {
      for (const m of world.acknowledged) {
        if (!isLost(u, m)) continue;
        lost++;
        if (samples.length < 10)
          samples.push(
            `lost: user ${u.index} never got ${m.conversationId}#${m.seq} (sent by user ${m.sender})`,
          );
      }
    }
    const duplicated = users.reduce((n, u) => n + u.duplicates.length, 0);
    const outOfOrder = users.reduce((n, u) => n + u.outOfOrder.length, 0);
    for (const u of users)
      samples.push(
        ...[...u.duplicates, ...u.outOfOrder].slice(0, 3).map((d) => `user ${u.index}: ${d}`),
      );

    // Each client's state equals a fresh fetch.
    let stateMismatches = 0;
    for (const u of users) {
      for (const conversationId of u.conversations) {
        const fresh = await withRetry(() =>
          history(rng.pick(cluster.live()), u.session, conversationId),
        );
        const mine = u.messages.get(conversationId)!;
        const ids = new Set([...fresh.map((m) => m.id), ...mine.keys()]);
        const byId = new Map(fresh.map((m) => [m.id, m]));
        for (const id of ids) {
          const a = normalize(mine.get(id));
          const b = normalize(byId.get(id));
          if (a !== b) {
            stateMismatches++;
            if (samples.length < 20)
              samples.push(
                `state: user ${u.index} ${conversationId} message ${id}: client ${a} vs fetch ${b}`,
              );
          }
        }
      }
    }

    const presenceConverged = await waitUntil(
      () => presenceOnline(cluster.live(), users),
      30_000,
      'presence',
    ).then(
      () => true,
      () => false,
    );
    if (!presenceConverged)
      samples.push('presence: some connected users are not ONLINE on every instance after 30 s');

    log(`checks done after ${since()}`);
    const endSamples = await Promise.all(steady.map((s) => sample(s.index, s.api!)));
    const resourcesBack = endSamples.every((e, i) => {
      const b = baseline[i]!;
      return e.fds <= b.fds + 40 && e.heapMiB <= b.heapMiB * 2 + 32;
    });
    if (!resourcesBack)
      samples.push(
        `resources: baseline ${JSON.stringify(baseline)} end ${JSON.stringify(endSamples)}`,
      );

    return {
      seed: options.seed,
      bus,
      instances: options.instances,
      users: options.users,
      durationS: Math.round(options.durationMs / 1000),
      faults: Object.fromEntries(driver.counts),
      operations: Object.fromEntries(world.operations),
      failures: Object.fromEntries(world.failures),
      acknowledgedMessages: world.acknowledged.length,
      lost,
      duplicated,
      outOfOrder,
      resyncs: users.reduce((n, u) => n + u.resyncs.length, 0),
      stateMismatches,
      crashes: crashed || cluster.crashes().length ? cluster.crashes() : [],
      driverFailures: driver.failures,
      presenceConverged,
      readyAfterMs,
      baseline,
      end: endSamples,
      resourcesBack,
      samples,
      faultLog: driver.log,
    };
  } finally {
    users.forEach((u) => u.close());
    await cluster.stop();
  }
}

/**
 * Two groups and two direct conversations over the users, fixed before the faults start: every
 * user is in at least two conversations, and conversations overlap.
 */
async function createConversations(
  api: ApiProcess,
  sessions: Session[],
  rng: Rng,
): Promise<string[][]> {
  const n = sessions.length;
  const memberships: string[][] = sessions.map(() => []);
  const group = async (title: string, members: number[]) => {
    const [owner, ...rest] = members;
    const id = (
      await ok<{ createGroup: { id: string } }>(
        api,
        'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id } }',
        {
          t: title,
          m: rest.map((i) => sessions[i]!.userId),
        },
        sessions[owner!]!.accessToken,
      )
    ).createGroup.id;
    for (const i of members) memberships[i]!.push(id);
  };
  const direct = async (a: number, b: number) => {
    const id = (
      await ok<{ openDirectConversation: { id: string } }>(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
        { u: sessions[b]!.userId },
        sessions[a]!.accessToken,
      )
    ).openDirectConversation.id;
    memberships[a]!.push(id);
    memberships[b]!.push(id);
  };
  const all = sessions.map((_, i) => i);
  await group('Everyone', all);
  const half = all.filter(() => rng.chance(0.5));
  await group('Some', half.length >= 2 ? half : [0, n - 1]);
  await direct(0, n - 1);
  if (n >= 4) await direct(1, n - 2);
  return memberships.map((m) => [...new Set(m)]);
}

async function history(
  api: ApiProcess,
  who: Session,
  conversationId: string,
): Promise<MessageView[]> {
  const all: MessageView[] = [];
  let after = 0;
  for (;;) {
    const data = await ok<{
      messages: { edges: { node: MessageView }[]; pageInfo: { hasNextPage: boolean } };
    }>(
      api,
      'query($c:ID!,$a:Int){ messages(conversationId:$c, first:100, after:$a){ edges { node { id seq body editedAt deletedAt reactions { emoji count } } } pageInfo { hasNextPage } } }',
      { c: conversationId, a: after },
      who.accessToken,
    );
    const nodes = data.messages.edges.map((e) => e.node);
    all.push(...nodes);
    if (!data.messages.pageInfo.hasNextPage || nodes.length === 0) return all;
    after = nodes[nodes.length - 1]!.seq;
  }
}

const normalize = (m: MessageView | undefined): string =>
  m
    ? JSON.stringify(
        { ...m, reactions: [...m.reactions].sort((a, b) => a.emoji.localeCompare(b.emoji)) },
        ['id', 'seq', 'body', 'editedAt', 'deletedAt', 'reactions', 'emoji', 'count'],
      )
    : 'absent';

async function presenceOnline(instances: ApiProcess[], users: ChaosUser[]): Promise<boolean> {
  const viewer = users[0]!.session;
  for (const api of instances) {
    for (const u of users) {
      const data = await ok<{ user: { presence: { status: string } | null } }>(
        api,
        'query($u:ID!){ user(id:$u){ presence { status } } }',
        { u: u.session.userId },
        viewer.accessToken,
      ).catch(() => null);
      if (data?.user.presence?.status !== 'ONLINE') return false;
    }
  }
  return true;
}

async function sample(instance: number, api: ApiProcess): Promise<ResourceSample> {
  const metrics = await (await fetch(`${api.url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  return {
    instance,
    fds: openFds(api.process.pid!),
    heapMiB: mib(read('nodejs_heap_size_used_bytes')),
    rssMiB: mib(read('process_resident_memory_bytes')),
  };
}

async function readyz(api: ApiProcess): Promise<number> {
  try {
    return (await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(500 * i);
    }
  }
}

/** The summary table of one or more runs (markdown). */
export function formatReports(reports: ChaosReport[]): string {
  const faultKinds = [...new Set(reports.flatMap((r) => Object.keys(r.faults)))].sort();
  const opKinds = [...new Set(reports.flatMap((r) => Object.keys(r.operations)))].sort();
  const sum = (f: (r: ChaosReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const rows: [string, string][] = [
    [
      'seeds',
      reports
        .map(
          (r) =>
            `${r.seed} (${r.bus}, ${r.instances} instances, ${r.users} users, ${r.durationS} s)`,
        )
        .join('; '),
    ],
    ...faultKinds.map((k): [string, string] => [
      `faults: ${k}`,
      String(sum((r) => r.faults[k] ?? 0)),
    ]),
    ['faults: total', String(sum((r) => Object.values(r.faults).reduce((a, b) => a + b, 0)))],
    ...opKinds.map((k): [string, string] => [
      `operations: ${k} (acknowledged / attempted)`,
      `${sum((r) => r.operations[k]?.acknowledged ?? 0)} / ${sum((r) => r.operations[k]?.attempted ?? 0)}`,
    ]),
    ['acknowledged messages', String(sum((r) => r.acknowledgedMessages))],
    ['lost', String(sum((r) => r.lost))],
    ['duplicated', String(sum((r) => r.duplicated))],
    ['out of order', String(sum((r) => r.outOfOrder))],
    ['resyncs required', String(sum((r) => r.resyncs))],
    ['client state ≠ fresh fetch (messages)', String(sum((r) => r.stateMismatches))],
    ['crashes', String(sum((r) => r.crashes.length))],
    ['instances that would not start again', String(sum((r) => r.driverFailures.length))],
    ['presence converged', reports.every((r) => r.presenceConverged) ? 'yes' : 'NO'],
    [
      '/readyz 200 after the faults (worst)',
      reports.some((r) => r.readyAfterMs < 0)
        ? 'NEVER'
        : `${Math.max(...reports.map((r) => r.readyAfterMs))} ms`,
    ],
    [
      'open fds / heap back near baseline',
      `${reports.every((r) => r.resourcesBack) ? 'yes' : 'NO'} (${reports
        .flatMap((r) =>
          r.baseline.map(
            (b, i) => `fds ${b.fds}→${r.end[i]?.fds}, heap ${b.heapMiB}→${r.end[i]?.heapMiB} MiB`,
          ),
        )
        .join('; ')})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    '| measure | value |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`),
  ].join('\n');
}

/** Whether a run kept every invariant. */
export function problemsOf(report: ChaosReport): string[] {
  const problems: string[] = [];
  if (report.crashes.length) problems.push(`crashes: ${report.crashes.join('; ')}`);
  if (report.driverFailures.length)
    problems.push(`fault driver: ${report.driverFailures.join('; ')}`);
  if (report.lost) problems.push(`${report.lost} lost`);
  if (report.duplicated) problems.push(`${report.duplicated} duplicated`);
  if (report.outOfOrder) problems.push(`${report.outOfOrder} out of order`);
  if (report.resyncs) problems.push(`${report.resyncs} resyncs required`);
  if (report.stateMismatches)
    problems.push(`${report.stateMismatches} messages differ from a fresh fetch`);
  if (!report.presenceConverged) problems.push('presence did not converge');
  if (report.readyAfterMs < 0) problems.push('/readyz did not recover');
  if (!report.resourcesBack) problems.push('open fds or heap did not return near the baseline');
  if (report.acknowledgedMessages === 0)
    problems.push('no message was acknowledged: the run proves nothing');
  return problems;
}
