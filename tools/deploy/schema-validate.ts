import type { K8sObject } from './kustomize';

/** Model packages (JSON schemas of Kubernetes and the CRDs, from the npm registry) by API group. */
const MODEL_PACKAGES: Record<string, string> = {
  '': 'kubernetes-models',
  apps: 'kubernetes-models',
  batch: 'kubernetes-models',
  policy: 'kubernetes-models',
  autoscaling: 'kubernetes-models',
  'networking.k8s.io': 'kubernetes-models',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'cert-manager.io': '@kubernetes-models/cert-manager',
};

interface Validatable {
  validate(): void;
}

/**
 * Validates one object against the OpenAPI schema of its apiVersion and kind (kubernetes-models,
 * offline). Returns the problem, or undefined when valid. Kinds without a published schema
 * (e.g. MongoDBCommunity) are reported as such, never passed silently.
 */
export async function validateAgainstSchema(object: K8sObject): Promise<string | undefined> {
  const apiVersion = String(object['apiVersion'] ?? '');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = MODEL_PACKAGES[group!];
  const label = `${object.kind}/${object.metadata.name} (${apiVersion})`;
  if (!pkg) return `${label}: no schema known for this API group`;
  const modulePath = `${pkg}/${group ? `${group}/` : ''}${version}/${object.kind}`;
  let model: Record<string, new (data: unknown) => Validatable>;
  try {
    model = (await import(modulePath)) as typeof model;
  } catch {
    return `${label}: no schema for this kind and version`;
  }
  const Model = model[object.kind];
  if (!Model) return `${label}: no schema for this kind`;
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return `${label}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Every problem of a set of objects; `without` lists kinds that have no public schema. */
export async function validateAll(
  objects: K8sObject[],
  without: readonly string[] = [],
): Promise<string[]> {
  const results = await Promise.all(
    objects.filter((o) => !without.includes(o.kind)).map(validateAgainstSchema),
  );
  return results.filter((r): r is string => r !== undefined);
}
