import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
} from "graphql";
import type { GatewayContext } from "../graphql/context.js";

/**
 * What the first subscriber to resolve an event with a given selection leaves for the others:
 * the result, and the per-event fields of its context that the transports read after it (the
 * notices: its data access for a stale read-model copy, its event charge, its cursor).
 */
interface ResolvedEvent {
  result: ExecutionResult;
  data: GatewayContext["data"];
  eventCost: GatewayContext["eventCost"];
  eventCursor: GatewayContext["eventCursor"];
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
/** Per event being delivered: its resolution by selection key. Dropped once the delivery's turn is over. */
const resolving = new WeakMap<object, Map<string, Promise<ResolvedEvent>>>();

/** The document's text (each subscription parses its own copy), else a number for its node. */
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
 * What makes two subscriptions resolve an event alike: the same document text (validated against
 * the one schema), operation, variables and viewer. Undefined (never shared) without a viewer.
 */
function selectionKey(args: ExecutionArgs): string | undefined {
  const customerId = (args.contextValue as GatewayContext | undefined)?.viewer?.customerId;
  if (customerId === undefined) return undefined;
  return JSON.stringify([
    documentKey(args.document),
    args.operationName ?? null,
    customerId,
    args.variableValues ?? null,
  ]);
}

/** The event's resolutions, created on first use and forgotten after the current turn. */
function resolutionsOf(event: object): Map<string, Promise<ResolvedEvent>> {
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

/** Runs the operation on `event` with this subscriber's context, as graphql's `subscribe` would. */
async function resolveOwn(event: unknown, args: ExecutionArgs): Promise<ResolvedEvent> {
  const result = await execute({ ...args, rootValue: event });
  const context = args.contextValue as GatewayContext;
  return {
    result,
    data: context.data,
    eventCost: context.eventCost,
    eventCursor: context.eventCursor,
  };
}

/**
 * One event's answer for one subscriber (`key`: its selectionKey): the shared resolution when it
 * may be shared, else its own.
 */
async function answerFor(
  event: unknown,
  args: ExecutionArgs,
  key: string | undefined,
): Promise<ExecutionResult> {
  if (key === undefined || typeof event !== "object" || event === null) {
    return (await resolveOwn(event, args)).result;
  }
  const resolutions = resolutionsOf(event);
  const first = resolutions.get(key);
  if (first === undefined) {
    const own = resolveOwn(event, args);
    resolutions.set(key, own);
    return (await own).result;
  }
  const shared = await first.catch(() => undefined);
  // An event charged to the budget is charged, and maybe refused, per subscription: never shared.
  if (shared === undefined || (shared.eventCost?.requested ?? 0) > 0) {
    return (await resolveOwn(event, args)).result;
  }
  const context = args.contextValue as GatewayContext;
  context.data = shared.data;
  context.eventCost = shared.eventCost;
  context.eventCursor = shared.eventCursor;
  return shared.result;
}

/**
 * graphql's `subscribe`, except that an event is resolved once per distinct selection rather than
 * once per subscriber: the first subscription of a customer to pull an event with a given
 * document text, operation and variables executes it (its context's `beginEvent`, its resolvers); the
 * others of the same customer pulling the same event in the same turn receive the same result
 * object, and their contexts the same per-event notices (cursor, charge, data access), as if
 * each had executed it. Events charged to the cost budget (`account { transactions owners }`) are
 * resolved per subscriber, each charge its own. Each subscription's source stream (its filters,
 * its slow-reader bound, its resume position) stays its own; returning the iterator returns it.
 */
export async function subscribeSharingEvents(
  args: ExecutionArgs,
): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const events = source[Symbol.asyncIterator]();
  const key = selectionKey(args);
  const done = (): IteratorResult<ExecutionResult, void> => ({ value: undefined, done: true });
  const answers: AsyncGenerator<ExecutionResult, void, void> = {
    [Symbol.asyncIterator]: () => answers,
    next: async () => {
      const pulled = await events.next();
      return pulled.done
        ? done()
        : { value: await answerFor(pulled.value, args, key), done: false };
    },
    return: async () => {
      await events.return?.();
      return done();
    },
    throw: async (error?: unknown) => {
      await events.return?.();
      throw error;
    },
  };
  return answers;
}
