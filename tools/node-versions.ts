// The Node.js versions Chatter supports, as package.json's `engines.node` declares them
// (e.g. "^20.19 || ^22.12 || >=24"). The Dockerfile, the README and the CI step that runs the
// suites on another Node.js are checked against this one list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeRange {
  /** The range as written, e.g. "^22.12". */
  text: string;
  major: number;
  /** Lowest supported version of that major, e.g. "22.12" (just "24" for ">=24"). */
  minimum: string;
}

export function supportedNodeRanges(repoRoot: string): NodeRange[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const engines: unknown = pkg.engines?.node;
  if (typeof engines !== 'string') throw new Error('package.json: engines.node is missing');
  return engines.split('||').map((part) => {
    const text = part.trim();
    const match = /^(?:\^|>=)(\d+)(?:\.(\d+))?(?:\.\d+)?$/.exec(text);
    if (!match) throw new Error(`package.json: engines.node range "${text}" is not ^X.Y or >=X`);
    return {
      text,
      major: Number(match[1]),
      minimum: match[2] ? `${match[1]}.${match[2]}` : match[1],
    };
  });
}

/** The newest supported major: the one the Docker image runs and the README recommends. */
export const recommendedNodeMajor = (repoRoot: string) =>
  Math.max(...supportedNodeRanges(repoRoot).map((r) => r.major));
