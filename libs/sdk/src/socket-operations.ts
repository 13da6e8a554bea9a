import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { documentText } from './graphql-http';
import { persistedQueryExtensions } from './persisted';

/** What the socket answered for one operation; `errors` when the server refused it. */
export type SocketResult<TData> = ExecutionResult<TData>;

/** How long an operation sent over the socket waits for its answer before it counts as lost. */
export const SOCKET_OPERATION_TIMEOUT_MS = 15_000;

/**
 * One query or mutation over an open graphql-ws socket. Resolves with the server's answer,
 * refusals (`errors`) included; rejects when the socket fails or nothing comes back within
 * `timeoutMs`, when the operation may or may not have run: retry only what is idempotent.
 */
export function executeOverSocket<TData, TVariables>(
  ws: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  timeoutMs = SOCKET_OPERATION_TIMEOUT_MS,
): Promise<SocketResult<TData>> {
  return new Promise((resolve, reject) => {
    let result: SocketResult<TData> | undefined;
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new Error('No answer from the server.')));
      dispose();
    }, timeoutMs);
    const extensions = persistedQueryExtensions(document);
    const dispose = ws.subscribe<TData>(
      {
        query: documentText(document),
        variables: variables as Record<string, unknown>,
        ...(extensions ? { extensions } : {}),
      },
      {
        next: (value) => {
          result = value as SocketResult<TData>;
        },
        // A list of GraphQL errors is the server's answer (an invalid operation); anything
        // else (a close event, an Error) means the socket failed first.
        error: (err) =>
          settle(() =>
            Array.isArray(err)
              ? resolve({ errors: err as GraphQLError[] })
              : reject(err instanceof Error ? err : new Error('The connection closed.')),
          ),
        complete: () =>
          settle(() =>
            result ? resolve(result) : reject(new Error('No answer from the server.')),
          ),
      },
    );
  });
}
