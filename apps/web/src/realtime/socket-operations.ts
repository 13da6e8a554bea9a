// Operations over the realtime socket (part of the lazily loaded stream engine): the chatEvents
// subscription payload and one-off queries and mutations.
import { print, type DocumentNode, type GraphQLError } from 'graphql';
import type { Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@apollo/client';
import { addTypenameToDocument } from '@apollo/client/utilities';
import { ChatEventsDocument } from '@chatter/client';
import type { SeqTracker } from './seq-tracker';
import type { SocketResult } from './realtime-session';
import { persistedQueryExtensions } from '../apollo/persisted-documents';

/** Operations sent over the socket as text, with __typename added as Apollo adds it over HTTP. */
const printed = new WeakMap<DocumentNode, string>();
function printWithTypename(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(addTypenameToDocument(document));
    printed.set(document, text);
  }
  return text;
}

/** The subscribe payload. graphql-ws re-sends the same payload object after each reconnect:
 *  a getter makes every resubscribe carry the cursors as they are then, so the replay starts
 *  exactly where this client stopped. */
export function chatEventsPayload(tracker: SeqTracker) {
  // Apollo adds __typename to what it sends itself; this stream bypasses Apollo's links, and the
  // cache needs __typename on every object to normalize what the events carry.
  return {
    query: printWithTypename(ChatEventsDocument),
    operationName: 'ChatEvents',
    extensions: persistedQueryExtensions(ChatEventsDocument),
    get variables() {
      return { since: tracker.cursors() };
    },
  };
}

/** One query or mutation over the socket; see RealtimeSession.execute for what it resolves with. */
export function executeOverSocket<TData, TVariables extends Record<string, unknown>>(
  ws: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  timeoutMs: number,
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
    const dispose = ws.subscribe<TData>(
      {
        query: printWithTypename(document),
        variables,
        extensions: persistedQueryExtensions(document),
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
