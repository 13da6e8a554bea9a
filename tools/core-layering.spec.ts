import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const coreSrc = join(__dirname, '..', 'libs', 'core', 'src');

/**
 * The layers of libs/core, lowest first. A file may import files of its own layer or lower ones,
 * never higher: the publisher and bus port (`events/`) sit below every use case, and the stream
 * (`realtime/`) sits on top. Within a layer, the bounded contexts are ordered too (identity below
 * messaging below tenancy), so no import runs back up between them.
 */
const LAYERS: ReadonlyArray<{ name: string; matches: (path: string) => boolean }> = [
  { name: 'shared', matches: (p) => p.startsWith('shared/') },
  { name: 'limits', matches: (p) => p.startsWith('limits/') },
  // The tenant and its repository; the other tenancy files (use cases, secret rotation) sit higher.
  { name: 'tenancy model', matches: (p) => /^tenancy\/tenant(\.repository)?\.ts$/.test(p) },
  // Bot accounts, their tokens and which operations a grant opens; managing bots sits higher.
  {
    name: 'integrations model',
    matches: (p) => /^integrations\/[^/]+\/[^/]+\.ts$/.test(p) && !p.endsWith('.use-case.ts'),
  },
  { name: 'identity model', matches: (p) => /^identity\/[^/]+\.ts$/.test(p) },
  // Calls: the model and port (a message records a call, so it sits below the messaging model).
  { name: 'calls model', matches: (p) => /^calls\/[^/]+\.ts$/.test(p) },
  { name: 'messaging model', matches: (p) => /^messaging\/[^/]+\.ts$/.test(p) },
  // The attachment record: events carry it (AttachmentUpdated), so it sits below them.
  { name: 'media model', matches: (p) => p === 'media/attachment.ts' },
  // Roles, permissions, sanctions, the audit trail: asked by identity and messaging use cases.
  {
    name: 'moderation model',
    matches: (p) => p.startsWith('moderation/') && !/\.use-cases?\.ts$/.test(p),
  },
  // Tenant safety settings, the word filter and the channel creation rule: asked by messaging use cases.
  {
    name: 'safety model',
    matches: (p) => p.startsWith('safety/') && !/\.use-cases?\.ts$/.test(p),
  },
  { name: 'events', matches: (p) => p.startsWith('events/') },
  { name: 'memory adapters', matches: (p) => p.startsWith('memory/') },
  // Attachments: sending a message reserves them, so media sits below the messaging use cases.
  { name: 'media', matches: (p) => p.startsWith('media/') },
  { name: 'identity use cases', matches: (p) => /^identity\/[^/]+\/.+\.ts$/.test(p) },
  { name: 'messaging use cases', matches: (p) => /^messaging\/[^/]+\/.+\.ts$/.test(p) },
  { name: 'calls use cases', matches: (p) => /^calls\/[^/]+\/.+\.ts$/.test(p) },
  { name: 'moderation use cases', matches: (p) => /^moderation\/.+\.use-cases?\.ts$/.test(p) },
  { name: 'safety use cases', matches: (p) => /^safety\/.+\.use-cases?\.ts$/.test(p) },
  { name: 'notifications', matches: (p) => p.startsWith('notifications/') },
  { name: 'tenancy use cases', matches: (p) => /^tenancy\/[^/]+\.ts$/.test(p) },
  { name: 'integrations use cases', matches: (p) => /^integrations\/.+\.use-case\.ts$/.test(p) },
  { name: 'realtime', matches: (p) => p.startsWith('realtime/') },
  { name: 'public index', matches: (p) => p === 'index.ts' },
];

function layerOf(path: string): number {
  const index = LAYERS.findIndex((l) => l.matches(path));
  if (index < 0) throw new Error(`libs/core/src/${path} belongs to no layer: add it to LAYERS`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports and re-exports of a file (type-only ones too: they couple the layers as much). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g))
    found.push(match[1]!);
  for (const match of text.matchAll(/import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g))
    found.push(match[1]!);
  return found;
}

export function layeringViolations(root: string): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = relative(root, file).split('\\').join('/');
    if (from.endsWith('.spec.ts')) continue;
    const fromLayer = layerOf(from);
    for (const spec of relativeImports(file)) {
      const target = relative(root, resolve(dirname(file), spec))
        .split('\\')
        .join('/');
      const to = target.endsWith('.ts') ? target : `${target}.ts`;
      const toLayer = layerOf(statSafe(join(root, to)) ? to : `${target}/index.ts`);
      if (toLayer > fromLayer) {
        violations.push(
          `${from} (${LAYERS[fromLayer]!.name}) imports ${to} (${LAYERS[toLayer]!.name})`,
        );
      }
    }
  }
  return violations;
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

describe('libs/core layering', () => {
  it('no import runs from a lower layer up to a higher one', () => {
    expect(layeringViolations(coreSrc)).toEqual([]);
  });

  it('puts the publisher and bus port below every use case and the stream on top', () => {
    expect(layerOf('events/realtime-publisher.ts')).toBeLessThan(
      layerOf('identity/profile/profile.use-cases.ts'),
    );
    expect(layerOf('events/event-bus.port.ts')).toBeLessThan(
      layerOf('messaging/messages/messages.use-cases.ts'),
    );
    expect(layerOf('messaging/messages/messages.use-cases.ts')).toBeLessThan(
      layerOf('realtime/chat-stream.ts'),
    );
    expect(layerOf('identity/contacts/contacts.use-cases.ts')).toBeLessThan(
      layerOf('messaging/messages/messages.use-cases.ts'),
    );
  });

  it('would catch a use case importing the stream, or identity importing messaging', () => {
    // The check itself must be able to fail: judge made-up import edges with the same rule.
    const judge = (from: string, to: string) => layerOf(to) > layerOf(from);
    expect(judge('identity/profile/profile.use-cases.ts', 'realtime/chat-stream.ts')).toBe(true);
    expect(
      judge('identity/contacts/contacts.use-cases.ts', 'messaging/messages/messages.use-cases.ts'),
    ).toBe(true);
    expect(
      judge('events/realtime-publisher.ts', 'messaging/conversations/conversations.use-cases.ts'),
    ).toBe(true);
    expect(judge('identity/user.ts', 'messaging/conversation.ts')).toBe(true);
    expect(judge('realtime/chat-stream.ts', 'events/topic-router.ts')).toBe(false);
  });
});
