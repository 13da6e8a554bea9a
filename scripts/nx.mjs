// Runs the workspace's Nx CLI (node_modules/nx) from the scripts, with the settings every
// script wants: no daemon (one-shot runs, CI) and no Nx Cloud.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs `nx <args>` in `root` with inherited output; returns the exit status. */
export function nx(root, args, env = {}) {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/nx/dist/bin/nx.js'), ...args],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env },
    },
  );
  return result.status ?? 1;
}
