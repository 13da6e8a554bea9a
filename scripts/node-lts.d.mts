// Types of node-lts.mjs for the TypeScript specs that import it (tools/node-versions.spec.ts).
export declare function nodeBinary(major: string | number): string;
export declare const DEFAULT_OTHER_NODE_VERSIONS: string;
export declare function otherNodeVersions(
  env: Record<string, string | undefined>,
  currentMajor: string | number,
): string[];
export declare function prepareNode(
  major: string | number,
  env?: Record<string, string | undefined>,
): { nodeBin: string; env: Record<string, string | undefined> };
