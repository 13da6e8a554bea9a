import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** A parsed YAML mapping (what compose files and Kubernetes manifests are made of). */
export type YamlMap = Record<string, unknown>;

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mapping at `key`, or an empty one when absent or not a mapping. */
export function mapAt(value: unknown, ...keys: string[]): YamlMap {
  let current: unknown = value;
  for (const key of keys) current = isMap(current) ? current[key] : undefined;
  return isMap(current) ? current : {};
}

/** The list at `key`, or an empty one when absent or not a list. */
export function listAt(value: unknown, ...keys: string[]): unknown[] {
  let current: unknown = value;
  for (const key of keys) current = isMap(current) ? current[key] : undefined;
  return Array.isArray(current) ? current : [];
}

/** The string (or number/boolean, as text) at `key`, else undefined. */
export function textAt(value: unknown, ...keys: string[]): string | undefined {
  let current: unknown = value;
  for (const key of keys) current = isMap(current) ? current[key] : undefined;
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return undefined;
}

/**
 * Parses every document of a YAML stream. Throws on any syntax error or warning, and on
 * duplicate mapping keys (which most tools silently resolve to the last value). `<<` merge keys
 * are honoured, as docker compose does.
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  // An empty stream parses to an empty list.
  const docs = parseAllDocuments(text, { uniqueKeys: true, merge: true, prettyErrors: true });
  const values: unknown[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0)
      throw new Error(`${source}: ${problems.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** Reads and parses a YAML file (see {@link parseYamlDocuments}). */
export function readYamlFile(file: string): unknown[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file);
}
