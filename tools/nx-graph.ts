// The Nx project graph as `nx graph --file` writes it: every project with its root and its
// targets (options interpolated), for checks of the workspace's own configuration.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NxTarget {
  options?: { command?: string; commands?: unknown[] };
  dependsOn?: unknown[];
  inputs?: unknown[];
  outputs?: string[];
  cache?: boolean;
}

export interface NxProject {
  name: string;
  root: string;
  targets: Record<string, NxTarget>;
  /** Projects it depends on (imports and implicit dependencies). */
  dependencies: string[];
}

export function projectGraph(workspaceRoot: string): NxProject[] {
  const dir = mkdtempSync(join(tmpdir(), 'chatter-graph-'));
  try {
    const file = join(dir, 'graph.json');
    const run = spawnSync(
      process.execPath,
      [join(workspaceRoot, 'node_modules/nx/dist/bin/nx.js'), 'graph', `--file=${file}`],
      {
        cwd: workspaceRoot,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`nx graph failed: ${run.stderr}`);
    const { nodes, dependencies } = JSON.parse(readFileSync(file, 'utf8')).graph as {
      nodes: Record<string, { data: { root: string; targets?: Record<string, NxTarget> } }>;
      dependencies: Record<string, { target: string }[]>;
    };
    return Object.entries(nodes).map(([name, node]) => ({
      name,
      root: node.data.root,
      targets: node.data.targets ?? {},
      dependencies: (dependencies[name] ?? []).map((d) => d.target),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The shell commands a run-commands target runs. */
export function commandsOf(target: NxTarget | undefined): string[] {
  if (!target?.options) return [];
  const { command, commands } = target.options;
  const list = commands ?? (command ? [command] : []);
  return list.map((c) => (typeof c === 'string' ? c : String((c as { command?: string }).command)));
}
