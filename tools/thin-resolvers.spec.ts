// Resolvers stay thin: they parse, call a use case of libs/core and map the result. A repository
// in a resolver's constructor is how a business rule and its read leak out of the core (who sees
// a member list, which voters a poll shows, which image a link preview shows), so none has one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const resolvers = path.join(__dirname, '..', 'libs', 'graphql', 'src', 'resolvers');

/** `Class: parameter type` for each constructor parameter typed as a repository port. */
export function repositoriesInjected(text: string): string[] {
  const classes = text.split(/\bexport class (?=\w)/).slice(1);
  return classes.flatMap((body) => {
    const name = /^\w+/.exec(body)![0];
    const params = /\bconstructor\(([\s\S]*?)\)\s*\{/.exec(body)?.[1] ?? '';
    return [...params.matchAll(/:\s*(\w+Repository)\b/g)].map((m) => `${name}: ${m[1]}`);
  });
}

describe('GraphQL resolvers', () => {
  it('take use cases, never a repository', () => {
    const files = readdirSync(resolvers).filter((f) => /\.resolver\.ts$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((file) =>
      repositoriesInjected(readFileSync(path.join(resolvers, file), 'utf8')).map(
        (hit) => `${file} ${hit}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('are caught with a repository in any constructor position or layout', () => {
    const text = [
      '@Resolver()',
      'export class A {',
      '  constructor(private readonly polls: Polls, private readonly repo: PollRepository) {}',
      '}',
      'export class B {',
      '  constructor(',
      '    private readonly attachments: AttachmentRepository,',
      '  ) {}',
      '}',
      'export class C {',
      "  private readonly logger = new Logger('C');",
      '  constructor(',
      '    @Inject(APP_CONFIG) private readonly config: AppConfig,',
      '    private readonly users: UserRepository,',
      '  ) {}',
      '}',
      'export class D {',
      '  constructor(private readonly queries: ConversationQueries) {}',
      '}',
    ].join('\n');
    expect(repositoriesInjected(text)).toEqual([
      'A: PollRepository',
      'B: AttachmentRepository',
      'C: UserRepository',
    ]);
  });
});
