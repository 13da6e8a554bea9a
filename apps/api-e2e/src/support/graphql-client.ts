import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ApiProcess } from './api-process';

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: {
    message: string;
    extensions?: { code?: string; [k: string]: unknown };
    path?: (string | number)[];
  }[];
}

/** POSTs one operation over HTTP. */
export async function gql<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  api: Pick<ApiProcess, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** The data of an answer that must have succeeded (any gql call, e.g. with operator headers). */
export function dataOf<T>(result: GqlResult<T>): T {
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** Like gql but fails the test on any error. */
export async function ok<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  api: Pick<ApiProcess, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await gql<T>(api, query, variables, token);
  if (result.errors?.length || !result.data)
    throw new Error(`GraphQL error: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export const codeOf = (result: GqlResult<unknown>): string | undefined =>
  result.errors?.[0]?.extensions?.code;

export interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
  phone: string;
  name: string;
}

let phoneCounter = 0;
/** A fresh valid test number, distinct per test process (+1 415 555 xxxx numbers are valid). */
export function nextPhone(): string {
  phoneCounter++;
  const n = ((process.pid % 90) * 100 + phoneCounter) % 10_000;
  return `+1415555${String(n).padStart(4, '0')}`;
}

/** Signs a user up through the real phone flow (code read from the API log). */
export async function signUp(
  api: ApiProcess,
  name: string,
  phone = nextPhone(),
  tenant?: string,
): Promise<Session> {
  await ok(api, 'mutation($p:String!,$t:String){ requestLoginCode(phone:$p, tenant:$t){ sent } }', {
    p: phone,
    t: tenant ?? null,
  });
  const code = await api.loginCode(phone, tenant);
  const data = await ok<{
    verifyLoginCode: { accessToken: string; refreshToken: string; user: { id: string } };
  }>(
    api,
    'mutation($p:String!,$c:String!,$n:String,$t:String){ verifyLoginCode(phone:$p, code:$c, name:$n, tenant:$t){ accessToken refreshToken user { id } } }',
    { p: phone, c: code, n: name, t: tenant ?? null },
  );
  return {
    accessToken: data.verifyLoginCode.accessToken,
    refreshToken: data.verifyLoginCode.refreshToken,
    userId: data.verifyLoginCode.user.id,
    phone,
    name,
  };
}

export function wsClient(
  api: Pick<ApiProcess, 'wsUrl'>,
  token: string,
  options: { retry?: boolean } = {},
): Client {
  return createClient({
    url: api.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: options.retry ? 5 : 0,
    lazy: false,
    shouldRetry: () => options.retry ?? false,
  });
}

/** Collects a subscription's results until disposed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class Collector<T = Record<string, any>> {
  readonly items: T[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private readonly dispose: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    this.dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) this.errors.push(value.errors);
          if (value.data) this.items.push(value.data as T);
        },
        error: (error) => this.errors.push(error),
        complete: () => (this.completed = true),
      },
    );
  }

  /** Resolves once `predicate` holds for the collected items (fails after timeoutMs). */
  async until(
    predicate: (items: T[]) => boolean,
    timeoutMs = 10_000,
    what = 'condition',
  ): Promise<T[]> {
    const end = Date.now() + timeoutMs;
    while (!predicate(this.items)) {
      if (Date.now() > end) {
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify(this.items).slice(0, 2000)} errors ${JSON.stringify(this.errors).slice(0, 500)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.items;
  }

  stop(): void {
    this.dispose();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
