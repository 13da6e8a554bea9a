// Every Kubernetes object Chatter ships, rendered with the real Kustomize and validated against
// the Kubernetes and CRD schemas (kubernetes-models: JSON schemas from the npm registry, offline).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { K8sObject } from './deploy/kustomize';
import { renderKustomization } from './deploy/kustomize-render';
import { validateAgainstSchema, validateAll } from './deploy/schema-validate';
import { mapAt } from './deploy/yaml-docs';

const root = path.resolve(__dirname, '..');
// MongoDBCommunity (MongoDB Controllers for Kubernetes) publishes no schema package; its fields
// are checked by tools/deploy/checks.ts (checkDependencies).
const NO_PUBLIC_SCHEMA = ['MongoDBCommunity'];

// Overlays that turn the optional components on, rendered from a directory inside the repository
// (Kustomize refuses absolute paths to resources).
const scratch = mkdtempSync(path.join(root, 'k8s', '.render-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function withComponents(resource: string, components: string[]): string {
  const dir = mkdtempSync(path.join(scratch, 'overlay-'));
  const rel = (p: string) => path.relative(dir, path.join(root, p));
  writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    `resources:\n  - ${rel(resource)}\ncomponents:\n${components.map((c) => `  - ${rel(c)}\n`).join('')}`,
  );
  return dir;
}

describe('rendered manifests validate against the Kubernetes and CRD schemas', () => {
  it.each([
    'k8s/namespace',
    'k8s/base',
    'k8s/overlays/production',
    'k8s/dependencies',
    'k8s/monitoring',
  ])('%s', async (dir) => {
    const objects = renderKustomization(path.join(root, dir));
    expect(objects.length).toBeGreaterThan(0);
    expect(await validateAll(objects, NO_PUBLIC_SCHEMA)).toEqual([]);
  });

  it('with the TLS components on (API side and MongoDB)', async () => {
    const api = renderKustomization(
      withComponents('k8s/overlays/production', ['k8s/components/api-tls']),
    );
    expect(await validateAll(api, NO_PUBLIC_SCHEMA)).toEqual([]);
    const container = (
      mapAt(
        api.find((o) => o.kind === 'Deployment'),
        'spec',
        'template',
        'spec',
      )['containers'] as Record<string, unknown>[]
    )[0]!;
    expect(JSON.stringify(container['env'])).toContain('NATS_TLS_CA');
    const data = renderKustomization(
      withComponents('k8s/dependencies', ['k8s/components/mongodb-tls']),
    );
    expect(await validateAll(data, NO_PUBLIC_SCHEMA)).toEqual([]);
    const mongo = data.find((o) => o.kind === 'MongoDBCommunity');
    expect(mapAt(mongo, 'spec', 'security', 'tls')['enabled']).toBe(true);
    expect(data.some((o) => o.kind === 'Certificate')).toBe(true);
  });

  it('with the TURN component on (coturn, and the API minting credentials for it)', async () => {
    const objects = renderKustomization(
      withComponents('k8s/overlays/production', ['k8s/components/turn']),
    );
    expect(await validateAll(objects, NO_PUBLIC_SCHEMA)).toEqual([]);
    const deployment = (name: string) =>
      mapAt(
        objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name),
        'spec',
        'template',
        'spec',
      );
    const coturn = deployment('chatter-coturn');
    const args = (coturn['containers'] as Record<string, unknown>[])[0]!['args'] as string[];
    expect(args).toEqual(
      expect.arrayContaining(['--use-auth-secret', '--static-auth-secret=$(TURN_SECRET)']),
    );
    const apiEnv = JSON.stringify(
      (deployment('chatter-api')['containers'] as Record<string, unknown>[])[0]!['env'],
    );
    expect(apiEnv).toContain('TURN_URIS');
    expect(apiEnv).toContain('"name":"chatter-turn"');
  });

  it('the validator rejects what the API server would reject', async () => {
    const [deployment] = renderKustomization(path.join(root, 'k8s/base')).filter(
      (o) => o.kind === 'Deployment',
    ) as [K8sObject];
    const bad = structuredClone(deployment);
    mapAt(bad, 'spec')['replicas'] = 'three';
    expect(await validateAgainstSchema(bad)).toMatch(/replicas/);
    const route = renderKustomization(path.join(root, 'k8s/base')).find(
      (o) => o.kind === 'HTTPRoute',
    )!;
    const badRoute = structuredClone(route);
    mapAt(badRoute, 'spec')['hostnames'] = 'chat.example.com';
    expect(await validateAgainstSchema(badRoute)).toMatch(/hostnames/);
    expect(
      await validateAgainstSchema({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
      } as K8sObject),
    ).toMatch(/no schema known/);
  });
});
