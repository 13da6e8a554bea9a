import { isMap, YamlMap } from './yaml-docs';

/**
 * Docker Compose variable interpolation over every string of a parsed compose file:
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$`.
 * `env` plays the shell environment / .env file. Throws on a required variable left unset.
 */
export function interpolateCompose<T>(value: T, env: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => interpolateCompose(v, env)) as T;
  if (isMap(value)) {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateCompose(v, env);
    return out as T;
  }
  return value;
}

function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_]\w*)/g,
    (match, name?: string, colon?: string, op?: string, word?: string, bare?: string) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const value = env[key];
      const missing = colon ? value === undefined || value === '' : value === undefined;
      if (op === '-') return missing ? interpolate(word ?? '', env) : value!;
      if (op === '?') {
        if (missing)
          throw new Error(`compose: required variable ${key} is not set (${word ?? ''})`);
        return value!;
      }
      return value ?? '';
    },
  );
}

/** A service's `environment` (map or `KEY=value` list) as a map of strings. */
export function serviceEnvironment(service: unknown): Record<string, string> {
  const env = isMap(service) ? service['environment'] : undefined;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const entry of env) {
      const [key, ...rest] = String(entry).split('=');
      out[key!] = rest.join('=');
    }
  } else if (isMap(env)) {
    for (const [key, value] of Object.entries(env))
      out[key] = value === null || value === undefined ? '' : String(value);
  }
  return out;
}

/** `depends_on` in list or map form → service name → condition. */
export function dependsOn(service: unknown): Record<string, string> {
  const deps = isMap(service) ? service['depends_on'] : undefined;
  const out: Record<string, string> = {};
  if (Array.isArray(deps)) for (const d of deps) out[String(d)] = 'service_started';
  else if (isMap(deps))
    for (const [name, spec] of Object.entries(deps))
      out[name] = isMap(spec) ? String(spec['condition'] ?? 'service_started') : 'service_started';
  return out;
}

/** A published port (`[ip:]host:container[/proto]`, or long syntax) as numbers. */
export interface PublishedPort {
  readonly hostIp: string | undefined;
  readonly published: number | undefined;
  readonly target: number;
}

export function publishedPorts(service: unknown): PublishedPort[] {
  const ports = isMap(service) && Array.isArray(service['ports']) ? service['ports'] : [];
  return ports.map((p): PublishedPort => {
    if (isMap(p)) {
      return {
        hostIp: p['host_ip'] as string | undefined,
        published: p['published'] === undefined ? undefined : Number(p['published']),
        target: Number(p['target']),
      };
    }
    const spec = String(p).replace(/\/(tcp|udp)$/, '');
    const parts = spec.split(':');
    const target = Number(parts.pop());
    const published = parts.length > 0 ? Number(parts.pop()) : undefined;
    const hostIp = parts.length > 0 ? parts.join(':') : undefined;
    return { hostIp, published, target };
  });
}

/** A healthcheck's `test` as a single string (for CMD / CMD-SHELL forms). */
export function healthcheckTest(service: unknown): string | undefined {
  const test =
    isMap(service) && isMap(service['healthcheck']) ? service['healthcheck']['test'] : undefined;
  if (typeof test === 'string') return test;
  if (!Array.isArray(test) || test.length === 0 || test[0] === 'NONE') return undefined;
  return test.slice(1).map(String).join(' ');
}

/** Compose durations (`30s`, `1m30s`, `500ms`) in seconds; NaN when unreadable. */
export function composeSeconds(value: unknown): number {
  if (typeof value !== 'string' || value === '') return NaN;
  const re = /(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    const factor: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };
    total += Number(m[1]) * factor[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === value.length ? total : NaN;
}
