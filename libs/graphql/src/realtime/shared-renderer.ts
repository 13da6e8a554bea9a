import {
  DocumentNode,
  execute,
  ExecutionArgs,
  ExecutionResult,
  getOperationAST,
  GraphQLSchema,
} from 'graphql';
import { RealtimeEvent, StreamItem } from '@chatter/core';
import { GqlContext } from '../context/gql-context';
import { ChatEventObject } from '../models/chat-event.model';
import { toChatEvent } from './event-mapper';
import { PendingPayload, RenderedPayload } from './pending-payload';
import { renderDocument, renderVariables } from './render-variables';
import { dependsOnViewer } from './viewer-dependence';

export type RenderItem = Exclude<StreamItem, { kind: 'close' }>;

/** How one subscription's events are rendered: worked out once when it starts. */
export interface RenderPlan {
  /** Subscribers with equal keys get the same result for the same event. */
  key: string;
  /** Whether the selection reads a viewer-dependent field (then it runs per subscriber). */
  viewerDependent: boolean;
  /** What is executed per event: the subscription's operation without its root arguments. */
  document: DocumentNode;
  /** The values of the variables that document still uses. */
  variableValues: Record<string, unknown>;
}

/** Turns an execution result into the `payload` JSON of a `next` frame (errors formatted). */
export type SerializeResult = (result: ExecutionResult) => string;

/**
 * Executes subscribers' selections for stream items and serializes the results to the JSON text a
 * `next` frame carries. A selection that reads no viewer-dependent field (see
 * viewer-dependence.ts) is executed and serialized once per event for every local subscriber with
 * the same document, operation and render variables, and every one of them gets that same text.
 * Per-viewer selections and items that are not bus events (resyncs) run per subscriber.
 *
 * Results come back as they are ready: the text at once when execution finished synchronously,
 * otherwise a PendingPayload (one per shared render, not per subscriber).
 */
export class SharedRenderer {
  private readonly shared = new WeakMap<object, Map<string, RenderedPayload>>();
  private readonly mapped = new WeakMap<object, ChatEventObject | null>();
  /** What rendering needs to know of each (cached, so shared) document, worked out once. */
  private readonly facts = new WeakMap<
    DocumentNode,
    {
      id: number;
      dependent: boolean;
      /** Per operation name: its render variables and render document. */
      operations: Map<string, { names: string[]; document: DocumentNode }>;
    }
  >();
  private nextDocumentId = 1;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly serialize: SerializeResult = (result) => JSON.stringify(result),
  ) {}

  plan(args: ExecutionArgs): RenderPlan {
    const operationName = getOperationAST(args.document, args.operationName)?.name?.value ?? '';
    let facts = this.facts.get(args.document);
    if (!facts) {
      facts = {
        id: this.nextDocumentId++,
        dependent: dependsOnViewer(this.schema, args.document),
        operations: new Map(),
      };
      this.facts.set(args.document, facts);
    }
    let operation = facts.operations.get(operationName);
    if (!operation) {
      const names = renderVariables(args.document, args.operationName);
      operation = { names, document: renderDocument(args.document, args.operationName, names) };
      facts.operations.set(operationName, operation);
    }
    const values = args.variableValues ?? {};
    const variableValues: Record<string, unknown> = {};
    for (const name of operation.names) if (name in values) variableValues[name] = values[name];
    // Documents are cached (DocumentCache), so equal documents are the same object: a short
    // per-document number stands for the text in the key.
    return {
      key: `${facts.id}|${operationName}|${JSON.stringify(operation.names.map((n) => values[n] ?? null))}`,
      viewerDependent: facts.dependent,
      document: operation.document,
      variableValues,
    };
  }

  /** The item rendered for one subscriber: its payload JSON, null when there is nothing to deliver. */
  render(item: RenderItem, args: ExecutionArgs, plan: RenderPlan): RenderedPayload {
    const eventObject = item.kind === 'event' ? (item.event as RealtimeEvent & object) : null;
    // Events carry what rendering needs (no store read); the mapping is kept per event object.
    let mapped = eventObject ? this.mapped.get(eventObject) : undefined;
    if (mapped === undefined) {
      mapped = toChatEvent(item);
      if (eventObject) this.mapped.set(eventObject, mapped);
    }
    if (!mapped) return null;
    if (plan.viewerDependent || !eventObject) return this.run(mapped, args, plan);
    let perEvent = this.shared.get(eventObject);
    if (!perEvent) {
      perEvent = new Map();
      this.shared.set(eventObject, perEvent);
    }
    let payload = perEvent.get(plan.key);
    if (payload === undefined) {
      // The first subscriber's context runs it; a shared selection reads nothing of the viewer.
      payload = this.run(mapped, args, plan);
      perEvent.set(plan.key, payload);
    }
    return payload;
  }

  private run(
    mapped: ChatEventObject,
    args: ExecutionArgs,
    plan: RenderPlan,
  ): string | PendingPayload {
    (args.contextValue as GqlContext).loaders.clear();
    const result = execute({
      ...args,
      document: plan.document,
      variableValues: plan.variableValues,
      rootValue: { chatEvents: mapped },
    });
    if (isPromise(result)) return new PendingPayload(result.then(this.serialize));
    return this.serialize(result);
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}
