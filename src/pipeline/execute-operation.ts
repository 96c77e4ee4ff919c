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

/**
 * A subscription, as graphql-js's `subscribe` runs it but with a context of its own per event:
 * the source stream is created with the operation's context; each event, once it arrives, gets a
 * fresh context from `eventContext` (which charges its Stripe reads first) and is executed in it,
 * nothing of an earlier event's context reused. A source that cannot be created is the single
 * result with its errors. The returned iterator's `return` reaches the source at once.
 */
export async function subscribeWithEventContexts(
  execution: Execution,
  eventContext: () => Promise<GatewayContext>,
): Promise<ExecutionResult | AsyncIterator<EventResult>> {
  const source = await createSourceEventStream(execution);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const events = source as AsyncGenerator<unknown>;
  const done = (): IteratorResult<EventResult> => ({ value: undefined, done: true });
  return {
    next: async () => {
      const event = await events.next();
      if (event.done) return done();
      const context = await eventContext();
      const result = await execute({ ...execution, rootValue: event.value, contextValue: context });
      return { value: { result, context }, done: false };
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
