import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, listAt, mapAt, readYamlFile, textAt, YamlMap } from './yaml-docs';

/** A Kubernetes object as parsed from YAML. */
export type K8sObject = YamlMap & { kind: string; metadata: YamlMap & { name: string } };

export interface KustomizeResult {
  readonly objects: K8sObject[];
  /** Missing files, patch targets that do not exist, unsupported fields, malformed objects. */
  readonly problems: string[];
  /** Every file the build read, for YAML checks. */
  readonly files: string[];
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
]);
/** Lists that strategic merge patches merge by a key (as Kubernetes' patchMergeKey); others are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
};
const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'namespace',
  'images',
  'labels',
  'commonAnnotations',
]);

export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

/**
 * A subset of `kubectl kustomize <dir>`: resources (files and nested kustomizations), strategic
 * merge `patches` (with `$patch: delete`), `namespace`, `images`, `labels` (metadata only) and
 * `commonAnnotations`. Any other kustomization field is reported as a problem rather than
 * silently ignored, so this checker never approves what it did not understand.
 */
export function buildKustomization(dir: string): KustomizeResult {
  const problems: string[] = [];
  const files: string[] = [];
  const file = kustomizationFile(dir);
  if (!file) return { objects: [], problems: [`${dir}: no kustomization.yaml`], files };
  files.push(file);
  let kustomization: unknown;
  try {
    kustomization = readYamlFile(file)[0];
  } catch (error) {
    return { objects: [], problems: [(error as Error).message], files };
  }
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  if (!isMap(kustomization))
    return { objects: [], problems: [`${rel(file)}: not a mapping`], files };
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(key))
      problems.push(`${rel(file)}: field "${key}" is not understood by this checker`);
  }

  let objects: K8sObject[] = [];
  for (const entry of listAt(kustomization, 'resources')) {
    const target = path.resolve(dir, String(entry));
    if (!existsSync(target)) {
      problems.push(`${rel(file)}: resource "${String(entry)}" does not exist`);
      continue;
    }
    if (statSync(target).isDirectory()) {
      const nested = buildKustomization(target);
      objects.push(...nested.objects);
      problems.push(...nested.problems);
      files.push(...nested.files);
      continue;
    }
    files.push(target);
    try {
      for (const doc of readYamlFile(target)) {
        if (isK8sObject(doc)) objects.push(doc);
        else problems.push(`${rel(target)}: a document without kind and metadata.name`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  for (const patchEntry of listAt(kustomization, 'patches')) {
    const patchPath = textAt(patchEntry, 'path');
    if (!patchPath) {
      problems.push(`${rel(file)}: only file patches (path:) are supported`);
      continue;
    }
    const target = path.resolve(dir, patchPath);
    if (!existsSync(target)) {
      problems.push(`${rel(file)}: patch "${patchPath}" does not exist`);
      continue;
    }
    files.push(target);
    let patches: unknown[];
    try {
      patches = readYamlFile(target);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    for (const patch of patches) {
      if (!isK8sObject(patch)) {
        problems.push(`${rel(target)}: a patch needs kind and metadata.name`);
        continue;
      }
      const index = objects.findIndex(
        (o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name,
      );
      if (index < 0) {
        problems.push(
          `${rel(target)}: patch target ${patch.kind}/${patch.metadata.name} is not among the resources`,
        );
        continue;
      }
      if (patch['$patch'] === 'delete') objects = objects.filter((_, i) => i !== index);
      else objects[index] = strategicMerge(objects[index], patch) as K8sObject;
    }
  }

  const namespace = textAt(kustomization, 'namespace');
  const labels: Record<string, string> = {};
  for (const entry of listAt(kustomization, 'labels')) {
    Object.assign(labels, mapAt(entry, 'pairs'));
    if (
      isMap(entry) &&
      (entry['includeSelectors'] === true || entry['includeTemplates'] === true)
    ) {
      problems.push(
        `${rel(file)}: labels with includeSelectors/includeTemplates are not understood by this checker`,
      );
    }
  }
  const annotations = mapAt(kustomization, 'commonAnnotations');
  const images = listAt(kustomization, 'images').filter(isMap);

  objects = objects.map((o) => {
    const copy = structuredClone(o);
    if (namespace && !CLUSTER_SCOPED.has(copy.kind)) copy.metadata['namespace'] = namespace;
    if (Object.keys(labels).length > 0)
      copy.metadata['labels'] = { ...mapAt(copy.metadata, 'labels'), ...labels };
    if (Object.keys(annotations).length > 0)
      copy.metadata['annotations'] = { ...mapAt(copy.metadata, 'annotations'), ...annotations };
    for (const container of podContainers(copy)) {
      const image = textAt(container, 'image') ?? '';
      const { name, tag } = splitImage(image);
      const rule = images.find((r) => r['name'] === name);
      if (rule) {
        const newName = textAt(rule, 'newName') ?? name;
        const newTag = textAt(rule, 'newTag') ?? tag;
        container['image'] = newTag ? `${newName}:${newTag}` : newName;
      }
    }
    return copy;
  });
  return { objects, problems, files };
}

export function isK8sObject(value: unknown): value is K8sObject {
  return (
    isMap(value) &&
    typeof value['kind'] === 'string' &&
    typeof textAt(value, 'metadata', 'name') === 'string'
  );
}

/** Containers (init ones first) of a workload's pod template, or of a Pod; mutable views. */
export function podContainers(object: unknown): YamlMap[] {
  const template = mapAt(object, 'spec', 'template', 'spec');
  const spec = Object.keys(template).length > 0 ? template : mapAt(object, 'spec');
  return [...listAt(spec, 'initContainers'), ...listAt(spec, 'containers')].filter(isMap);
}

export function splitImage(image: string): { name: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash
    ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) }
    : { name: withoutDigest, tag: undefined };
}

/** Strategic merge patch, for the list fields Kubernetes merges by key (see MERGE_KEYS). */
export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (isMap(base) && isMap(patch)) {
    const out: YamlMap = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) continue;
      if (value === null) delete out[key];
      else out[key] = strategicMerge(base[key], value, key);
    }
    return out;
  }
  const mergeKey = MERGE_KEYS[field];
  if (mergeKey && Array.isArray(base) && Array.isArray(patch)) {
    const out = base.map((item) => structuredClone(item) as unknown);
    for (const item of patch) {
      const key = isMap(item) ? item[mergeKey] : undefined;
      const index = out.findIndex(
        (existing) => isMap(existing) && key !== undefined && existing[mergeKey] === key,
      );
      if (index >= 0) out[index] = strategicMerge(out[index], item);
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(patch);
}
