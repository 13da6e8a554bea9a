import {
  createSourceEventStream,
  ExecutionArgs,
  ExecutionResult,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
} from 'graphql';
import { CloseCode, ServerOptions } from 'graphql-ws';
import { Authenticate, DomainError, PresenceService } from '@chatter/core';
import { GqlContext } from '../context/gql-context';
import { Loaders } from '../context/loaders';
import {
  documentTooLarge,
  MAX_DOCUMENT_LENGTH,
  QueryLimits,
  requestLimitErrors,
  stripSuggestions,
} from '../security/query-limits';
import { admitOperation, TrustedDocuments } from '../security/trusted-documents';
import { ChatEventsLaneHooks, LaneServices } from './chat-events-lane-hooks';
import { DocumentCache } from './document-cache';
import { FrameSender } from './frame-sender';
import { SharedRenderer } from './shared-renderer';
import { SocketRegistry } from './socket-registry';
import { SocketExtra, SocketState } from './socket-state';
import { StreamIterator } from './stream-iterator';
import { SubscriptionLane } from './subscription-lane';
import { CLOSE_TOO_MANY_SOCKETS, UserAdmission } from './user-admission';

export const MAX_OPERATIONS_PER_SOCKET = 20;
export const ACTIVITY_THROTTLE_MS = 30_000;

export interface GraphqlWsHooksDeps {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  presence: PresenceService;
  loaderRepos: ConstructorParameters<typeof Loaders>[0];
  registry: SocketRegistry;
  documents: DocumentCache;
  /** Limits checked again with the request's variables (page sizes given as variables). */
  limits: QueryLimits;
  /**
   * Operations named by a manifest hash (`extensions.persistedQuery.sha256Hash`) run the
   * manifest's text; when enforced, only those run (plus introspection when allowed).
   */
  trusted?: TrustedDocuments;
  /** Per-user caps on sockets and running subscriptions. */
  users: UserAdmission;
  /** Writes the subscription lanes' frames (backpressure, one write per socket per round of I/O). */
  sender: FrameSender;
  /** Errors are masked and coded as over HTTP; suggestions are stripped without introspection. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  introspection: boolean;
  metrics: {
    subscriptionStarted(): void;
    subscriptionEnded(): void;
    /**
     * One item written to a subscriber (once per subscriber per event: keep it cheap). `lagSeconds`:
     * for a new message, the time from its creation to this delivery.
     */
    eventDelivered(lagSeconds: number | undefined): void;
  };
  logger: { error(obj: Record<string, unknown>, msg: string): void };
  now?: () => number;
}

type FormattedResult = Omit<ExecutionResult, 'errors'> & { errors: GraphQLFormattedError[] };

export type GraphqlWsOptions = ServerOptions<Record<string, unknown> | undefined, SocketExtra>;

/**
 * The graphql-ws server's hooks: authentication at connect (4403 on a bad, expired or revoked
 * token) and again at each operation, the per-socket operation cap, the document size limit and
 * cached validation, the operation context (as over HTTP), subscriptions delivered by their own
 * lanes (rendered by the shared renderer, framed and written without graphql-ws's per-event
 * iteration), and error formatting.
 */
export function graphqlWsOptions(deps: GraphqlWsHooksDeps): GraphqlWsOptions {
  const now = deps.now ?? Date.now;
  const trusted = deps.trusted ?? TrustedDocuments.none();
  const format = (error: GraphQLError): GraphQLFormattedError => {
    const formatted = deps.formatError(error.toJSON(), error);
    return deps.introspection
      ? formatted
      : { ...formatted, message: stripSuggestions(formatted.message) };
  };
  /** The result as a client gets it: errors masked and coded (as over HTTP), the rest as it is. */
  const clientResult = (result: ExecutionResult): ExecutionResult | FormattedResult =>
    result.errors?.length ? { ...result, errors: result.errors.map((e) => format(e)) } : result;
  const renderer = new SharedRenderer(deps.schema, (result) =>
    JSON.stringify(clientResult(result)),
  );
  const lanes: LaneServices = {
    renderer,
    sender: deps.sender,
    users: deps.users,
    metrics: deps.metrics,
    now,
  };
  /** Each operation's id and socket, by its context (graphql-ws names the id to `context` only). */
  const operations = new WeakMap<object, { id: string; state: SocketState }>();
  const touch = (state: SocketState) => {
    const at = now();
    if (!state.actor || at - state.lastActivity < ACTIVITY_THROTTLE_MS) return;
    state.lastActivity = at;
    deps.presence.active(state.actor).catch(() => undefined);
  };
  const subscribe = async (
    args: ExecutionArgs,
  ): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
    const context = args.contextValue as GqlContext;
    const operation = operations.get(context);
    if (!(source instanceof StreamIterator) || !operation) {
      await (source as AsyncIterableIterator<unknown>).return?.();
      throw new Error('a subscription must stream a StreamIterator in a socket operation');
    }
    const owner = context.actor;
    if (owner && !deps.users.startSubscription(owner)) {
      await source.return();
      const limit = deps.users.maxSubscriptionsPerUser;
      return {
        errors: [
          new GraphQLError(`at most ${limit} subscriptions per user at once`, {
            extensions: { code: 'RATE_LIMITED' },
          }),
        ],
      };
    }
    const plan = renderer.plan(args);
    deps.metrics.subscriptionStarted();
    return new SubscriptionLane(
      operation.id,
      source,
      new ChatEventsLaneHooks(lanes, operation.state, args, plan, owner),
    );
  };

  return {
    schema: deps.schema,
    onConnect: async (ctx) => {
      const state = ctx.extra.state;
      const authorization = ctx.connectionParams?.authorization;
      let actor;
      try {
        actor = await deps.authenticate.execute(
          typeof authorization === 'string' ? authorization : null,
        );
      } catch (error) {
        if (!(error instanceof DomainError))
          deps.logger.error({ err: error }, 'websocket authentication failed');
        return false; // graphql-ws closes with 4403 Forbidden
      }
      state.authorization = authorization as string;
      if (!deps.users.admitSocket(state.id, actor)) {
        state.socket.close(CLOSE_TOO_MANY_SOCKETS, 'Too many sockets for this user');
        return false;
      }
      await deps.registry.authenticated(state, actor);
      return true;
    },
    context: (ctx, id): GqlContext => {
      const state = ctx.extra.state;
      const context: GqlContext = {
        authorization: state.authorization,
        actor: state.actor,
        clientIp: state.clientIp,
        adminToken: null,
        loaders: new Loaders(deps.loaderRepos),
      };
      operations.set(context, { id, state });
      return context;
    },
    onSubscribe: async (ctx, _id, payload) => {
      const state = ctx.extra.state;
      // The session may have been revoked since the socket connected: check again.
      try {
        state.actor = await deps.authenticate.execute(state.authorization);
      } catch (error) {
        const code = !(error instanceof DomainError)
          ? 'session revoked'
          : error.code === 'TOKEN_EXPIRED'
            ? 'token expired'
            : error.code === 'ACCOUNT_SUSPENDED' || error.code === 'ACCOUNT_BANNED'
              ? 'account suspended'
              : 'session revoked';
        state.socket.close(CloseCode.Forbidden, `Forbidden: ${code}`);
        return [new GraphQLError('Forbidden', { extensions: { code: 'UNAUTHENTICATED' } })];
      }
      touch(state);
      if (state.operations >= MAX_OPERATIONS_PER_SOCKET) {
        return [
          new GraphQLError(`at most ${MAX_OPERATIONS_PER_SOCKET} operations per connection`, {
            extensions: { code: 'RATE_LIMITED' },
          }),
        ];
      }
      const admission = admitOperation(trusted, payload, deps.introspection);
      if (!admission.admitted) return [admission.error];
      const query = admission.query ?? payload.query;
      if (typeof query !== 'string' || query.length > MAX_DOCUMENT_LENGTH) {
        return [documentTooLarge()];
      }
      const checked = deps.documents.check(query);
      if ('errors' in checked) return checked.errors;
      // graphql-ws keeps this message for as long as the operation runs (a subscription: the
      // socket's life); it then holds the cache's copy of the text, shared by every socket.
      if (payload.query === query) (payload as { query: string }).query = checked.query;
      const overLimits = requestLimitErrors(
        deps.schema,
        checked.document,
        payload.operationName,
        payload.variables,
        deps.limits,
      );
      if (overLimits.length > 0) return overLimits;
      state.operations++;
      return {
        schema: deps.schema,
        document: checked.document,
        operationName: payload.operationName ?? undefined,
        variableValues: payload.variables ?? undefined,
      };
    },
    subscribe,
    // Results of queries and mutations sent over the socket (subscriptions write their own frames).
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors?.length ? (clientResult(result) as unknown as ExecutionResult) : undefined,
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e)),
    onComplete: (ctx) => {
      const state = ctx.extra.state;
      state.operations = Math.max(0, state.operations - 1);
    },
  };
}
