import { spawnSync } from 'node:child_process';
import type { K8sObject } from './kustomize';
import { isMap, parseYamlDocuments } from './yaml-docs';

/**
 * Renders a kustomization with the real Kustomize (`kubectl kustomize`, Kustomize v5 in kubectl
 * >= 1.27), as `kubectl apply -k` would. Throws when kubectl is missing or the build fails.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (run.error)
    throw new Error(
      `kubectl is needed to render ${dir} with Kustomize (kubectl >= 1.27): ${run.error.message}`,
    );
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr.trim()}`);
  return parseYamlDocuments(run.stdout, `kubectl kustomize ${dir}`).filter(isMap) as K8sObject[];
}

/** Kustomize's version inside kubectl (e.g. "v5.5.0"), or undefined without kubectl. */
export function kustomizeVersion(): string | undefined {
  const run = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return /Kustomize Version:\s*(\S+)/.exec(run.stdout ?? '')?.[1];
}
