import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLSchema,
} from "graphql";
import type { GatewayContext } from "../graphql/context.js";

/** What one admitted operation executes with. */
export interface Execution {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown> | undefined;
  /** The operation's context (a subscription's: the one its source is subscribed with). */
  contextValue: GatewayContext;
}

/** One result of a subscription, with the context its event was resolved in. */
export interface EventResult {
  result: ExecutionResult;
  context: GatewayContext;
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
/** Per event being delivered: its resolutions by selection key, forgotten after the delivery's turn. */
const resolving = new WeakMap<object, Map<string, Promise<EventResult>>>();

/** The document's text (each subscription may parse its own copy), else a number for its node. */
function documentKey(document: DocumentNode): string | number {
  const text = document.loc?.source.body;
  if (text !== undefined) return text;
  let documentId = documentIds.get(document);
  if (documentId === undefined) {
    documentId = nextDocumentId;
    nextDocumentId += 1;
    documentIds.set(document, documentId);
  }
  return documentId;
}

/**
 * What makes two subscriptions resolve an event alike: the same document (validated against the
 * one schema), operation, variables and customer. Undefined (never shared) without a customer.
 */
function selectionKey(execution: Execution): string | undefined {
  const customerId = execution.contextValue.viewer?.customerId;
  if (customerId === undefined) return undefined;
  return JSON.stringify([
    documentKey(execution.document),
    execution.operationName ?? null,
    customerId,
    execution.variableValues ?? null,
  ]);
}

/** The event's resolutions, created on first use and forgotten once the current turn is over. */
function resolutionsOf(event: object): Map<string, Promise<EventResult>> {
  let resolutions = resolving.get(event);
  if (resolutions === undefined) {
    resolutions = new Map();
    resolving.set(event, resolutions);
    // Every subscriber waiting for the event pulls it in the turn that delivers it; a late reader
    // (one that had events queued) resolves its own copy, which is equal.
    setImmediate(() => resolving.delete(event));
  }
  return resolutions;
}

/**
 * A subscription, as graphql-js's `subscribe` runs it but with a context of its own per event:
 * the source stream is created with the operation's context; each event, once it arrives, gets a
 * fresh context from `eventContext` (which charges its Stripe reads first) and is executed in it,
 * nothing of an earlier event's context reused. An event is resolved once per distinct selection,
 * not once per subscriber: the first subscription of a customer to pull an event with a given
 * document, operation and variables executes it; the others of that customer pulling the same
 * event in the same turn receive the same result and the same event context (its cursor, its
 * charge, its notices), as if each had resolved it. An event charged to the cost budget is resolved
 * per subscription, each charge its own. Each subscription's source (its filters, its slow-reader
 * bound, its resume position) stays its own. A source that cannot be created is the single result
 * with its errors. The returned iterator's `return` reaches the source at once.
 */
export async function subscribeWithEventContexts(
  execution: Execution,
  eventContext: () => Promise<GatewayContext>,
): Promise<ExecutionResult | AsyncIterator<EventResult>> {
  const source = await createSourceEventStream(execution);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const events = source as AsyncGenerator<unknown>;
  const key = selectionKey(execution);
  const done = (): IteratorResult<EventResult> => ({ value: undefined, done: true });
  const resolveOwn = async (event: unknown): Promise<EventResult> => {
    const context = await eventContext();
    const result = await execute({ ...execution, rootValue: event, contextValue: context });
    return { result, context };
  };
  // Chains of `then`s rather than async functions: this is on every subscriber's path for every
  // event, and each async function and await is a promise more.
  const resolve = (event: unknown): Promise<EventResult> => {
    if (key === undefined || typeof event !== "object" || event === null) return resolveOwn(event);
    const resolutions = resolutionsOf(event);
    const first = resolutions.get(key);
    if (first === undefined) {
      const own = resolveOwn(event);
      resolutions.set(key, own);
      return own;
    }
    return first.then(
      // An event charged to the budget is charged, and maybe refused, per subscription: never shared.
      (shared) => ((shared.context.eventCost?.requested ?? 0) > 0 ? resolveOwn(event) : shared),
      () => resolveOwn(event),
    );
  };
  const item = (value: EventResult): IteratorResult<EventResult> => ({ value, done: false });
  const resolved = (
    event: IteratorResult<unknown>,
  ): IteratorResult<EventResult> | Promise<IteratorResult<EventResult>> =>
    event.done ? done() : resolve(event.value).then(item);
  return {
    next: () => {
      try {
        return events.next().then(resolved);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    return: async () => {
      await events.return?.(undefined);
      return done();
    },
    throw: async (error?: unknown) => {
      await events.return?.(undefined);
      throw error;
    },
  };
}
