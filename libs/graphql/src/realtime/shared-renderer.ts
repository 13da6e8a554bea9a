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
import { renderVariables } from './render-variables';
import { SharedPayload } from './shared-frames';
import { dependsOnViewer } from './viewer-dependence';

export type RenderItem = Exclude<StreamItem, { kind: 'close' }>;

/** How one subscription's events are rendered: worked out once when it starts. */
export interface RenderPlan {
  /** Subscribers with equal keys get the same result for the same event. */
  key: string;
  /** Whether the selection reads a viewer-dependent field (then it runs per subscriber). */
  viewerDependent: boolean;
}

/**
 * Executes subscribers' selections for stream items. A selection that reads no viewer-dependent
 * field (see viewer-dependence.ts) is executed and serialized once per event for every local
 * subscriber with the same document, operation and render variables; the result is a
 * SharedPayload that every one of their frames carries unchanged. Per-viewer selections and
 * results with errors (formatted per subscriber) are executed per subscriber.
 */
export class SharedRenderer {
  private readonly shared = new WeakMap<object, Map<string, Promise<string | null>>>();
  private readonly mapped = new WeakMap<object, ChatEventObject | null>();
  /** What rendering needs to know of each (cached, so shared) document, worked out once. */
  private readonly facts = new WeakMap<
    DocumentNode,
    { id: number; dependent: boolean; renderVariables: Map<string, string[]> }
  >();
  private nextDocumentId = 1;

  constructor(private readonly schema: GraphQLSchema) {}

  plan(args: ExecutionArgs): RenderPlan {
    const operationName = getOperationAST(args.document, args.operationName)?.name?.value ?? '';
    let facts = this.facts.get(args.document);
    if (!facts) {
      facts = {
        id: this.nextDocumentId++,
        dependent: dependsOnViewer(this.schema, args.document),
        renderVariables: new Map(),
      };
      this.facts.set(args.document, facts);
    }
    let names = facts.renderVariables.get(operationName);
    if (!names) {
      names = renderVariables(args.document, args.operationName);
      facts.renderVariables.set(operationName, names);
    }
    const values = args.variableValues ?? {};
    // Documents are cached (DocumentCache), so equal documents are the same object: a short
    // per-document number stands for the text in the key.
    return {
      key: `${facts.id}|${operationName}|${JSON.stringify(names.map((n) => values[n] ?? null))}`,
      viewerDependent: facts.dependent,
    };
  }

  /** The item rendered for one subscriber: a SharedPayload when shared, null when there is nothing to deliver. */
  async render(
    item: RenderItem,
    args: ExecutionArgs,
    plan: RenderPlan,
  ): Promise<ExecutionResult | SharedPayload | null> {
    const eventObject = item.kind === 'event' ? (item.event as RealtimeEvent & object) : null;
    // Events carry what rendering needs (no store read); the mapping is kept per event object.
    let mapped = eventObject ? this.mapped.get(eventObject) : undefined;
    if (mapped === undefined) {
      mapped = toChatEvent(item);
      if (eventObject) this.mapped.set(eventObject, mapped);
    }
    if (!mapped) return null;
    const run = async (): Promise<ExecutionResult> => {
      (args.contextValue as GqlContext).loaders.clear();
      return execute({ ...args, rootValue: { chatEvents: mapped } }) as Promise<ExecutionResult>;
    };
    if (plan.viewerDependent || !eventObject) return run();
    let perEvent = this.shared.get(eventObject);
    if (!perEvent) {
      perEvent = new Map();
      this.shared.set(eventObject, perEvent);
    }
    let serialized = perEvent.get(plan.key);
    if (!serialized) {
      serialized = run().then((result) => (result.errors?.length ? null : JSON.stringify(result)));
      perEvent.set(plan.key, serialized);
    }
    const json = await serialized;
    if (json === null) return run(); // errors are formatted per subscriber
    return new SharedPayload(json);
  }
}
