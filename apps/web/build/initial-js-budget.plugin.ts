import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { OutputBundle, OutputChunk } from 'rollup';
import type { Plugin } from 'vite';

export interface InitialJsBudget {
  /** Most gzipped bytes of JavaScript a first screen may need. */
  readonly maxGzipBytes: number;
  /**
   * Source files (relative to the app root) of the lazily loaded views that can be the first
   * screen: the budget holds for the entry plus each of them with everything they import statically.
   */
  readonly firstScreens: readonly string[];
}

export interface FirstScreenSize {
  readonly screen: string;
  readonly gzipBytes: number;
  /** The same chunks as the server sends them to browsers (brotli, quality 11). */
  readonly brotliBytes: number;
  readonly chunks: readonly string[];
  /** The largest modules in those chunks (rendered bytes, before compression), to act on a failure. */
  readonly largest: readonly string[];
}

const gzipSize = (code: string) => gzipSync(code, { level: 9 }).length;
const brotliSize = (code: string) =>
  brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** The chunk and everything it imports statically (what the browser must load before it runs). */
function staticGraph(bundle: OutputBundle, start: OutputChunk): OutputChunk[] {
  const seen = new Map<string, OutputChunk>();
  const visit = (chunk: OutputChunk) => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const name of chunk.imports) {
      const next = bundle[name];
      if (next?.type === 'chunk') visit(next);
    }
  };
  visit(start);
  return [...seen.values()];
}

/** Sizes of each first screen: the entry's static graph plus the screen's own static graph. */
export function firstScreenSizes(
  bundle: OutputBundle,
  firstScreens: readonly string[],
  root: string,
): FirstScreenSize[] {
  const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
  const entry = chunks.find((c) => c.isEntry);
  if (!entry) throw new Error('initial JS budget: the build has no entry chunk');
  const entryGraph = staticGraph(bundle, entry);
  return firstScreens.map((screen) => {
    const id = `${root.replace(/\/$/, '')}/${screen}`;
    const own = chunks.find((c) => c.isDynamicEntry && c.moduleIds.includes(id));
    if (!own) {
      const lazy = chunks
        .filter((c) => c.isDynamicEntry)
        .map((c) => c.facadeModuleId ?? c.fileName);
      throw new Error(
        `initial JS budget: ${screen} is not a lazily loaded chunk (those are ${lazy.join(', ')})`,
      );
    }
    const all = new Map([...entryGraph, ...staticGraph(bundle, own)].map((c) => [c.fileName, c]));
    return {
      screen,
      gzipBytes: [...all.values()].reduce((sum, c) => sum + gzipSize(c.code), 0),
      brotliBytes: [...all.values()].reduce((sum, c) => sum + brotliSize(c.code), 0),
      chunks: [...all.keys()],
      largest: [...all.values()]
        .flatMap((c) => Object.entries(c.modules))
        .sort((a, b) => b[1].renderedLength - a[1].renderedLength)
        .slice(0, 12)
        .map(
          ([m, info]) =>
            `${m.replace(/^.*node_modules\//, '').replace(root, '')} ${info.renderedLength}`,
        ),
    };
  });
}

/** Fails the build when a first screen needs more JavaScript than the budget allows. */
export function initialJsBudget(budget: InitialJsBudget): Plugin {
  let root = '';
  return {
    name: 'chatter:initial-js-budget',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    generateBundle(_options, bundle) {
      const sizes = firstScreenSizes(bundle, budget.firstScreens, root);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      for (const s of sizes) {
        console.log(
          `web: first screen ${s.screen}: ${kb(s.gzipBytes)} of JS gzipped, ${kb(s.brotliBytes)} brotli (budget ${kb(budget.maxGzipBytes)} gzipped)`,
        );
      }
      const over = sizes.filter((s) => s.gzipBytes > budget.maxGzipBytes);
      if (over.length > 0) {
        this.error(
          `initial JS over budget (${kb(budget.maxGzipBytes)} gzipped): ` +
            over
              .map(
                (s) =>
                  `${s.screen} needs ${kb(s.gzipBytes)} (${s.chunks.join(', ')}); largest modules:\n  ${s.largest.join('\n  ')}`,
              )
              .join('\n'),
        );
      }
    },
  };
}
