import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from "graphql";
import { parse } from "graphql";
import type { OperationOutcome, ResultStream, StreamItem } from "../pipeline/runner.js";
import { serialisedAnswer } from "./serialised-answer.js";

type Admitted = Exclude<OperationOutcome, { kind: "refused" }>;

/**
 * Sends one `next` message of the operation, its payload already JSON; resolves once the socket
 * took it (written out, or the socket is no longer open).
 */
export type SendNext = (payloadJson: string) => Promise<void>;

/** Where an admitted operation's outcome rides from `onSubscribe` to `execute`/`subscribe`. */
const OUTCOME = Symbol("runner outcome");
type Carried = { [OUTCOME]: { outcome: Admitted; sendNext: SendNext } };

/**
 * What graphql-ws is handed to "execute": it needs a document naming an operation before it calls
 * `execute` or `subscribe`, both of which send the runner's outcome (the runner parsed and ran
 * the real one). Never executed.
 */
const CARRIER_DOCUMENT = parse("{ __typename }");

/**
 * The `next` message of graphql-ws's protocol for operation `id`, around a payload that is
 * already JSON: what graphql-ws's own `next` would send for that payload.
 */
export function nextMessage(id: string): (payloadJson: string) => string {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return (payloadJson) => `${head}${payloadJson}}`;
}

/**
 * A stream's items sent as `next` messages by the adapter itself, each payload serialised once
 * per answer (`serialisedAnswer`: an event's answer is one object for every subscription that
 * resolved it alike, so a fan-out serialises it once, not once per socket), the error that ended
 * it as a last `next` with `errors`. graphql-ws iterates what it is handed: this iterator yields
 * nothing, it sends each item and pulls the next once the socket took it (the pace graphql-ws's
 * own `next` keeps, so a reader that does not read still fills its queue), and is done when the
 * stream is; graphql-ws then sends `complete`, or, when the client completed it or the socket
 * closed, `return`s it, which ends the stream at once; a send that fails ends the stream and
 * fails the iteration (graphql-ws sends `error`).
 */
function sentStream(
  items: ResultStream<StreamItem>,
  sendNext: SendNext,
): AsyncIterableIterator<ExecutionResult> {
  const done = (): IteratorResult<ExecutionResult> => ({ value: undefined, done: true });
  const sent: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => sent,
    next: async () => {
      for (;;) {
        const pulled = await items.next();
        if (pulled.done) return done();
        const item = pulled.value;
        try {
          await sendNext(
            serialisedAnswer(item.kind === "result" ? item.result : { errors: [item.error] }),
          );
        } catch (error) {
          // graphql-ws answers a failed iteration with `error` and returns nothing: end it here.
          await items.return();
          throw error;
        }
      }
    },
    return: async () => {
      await items.return();
      return done();
    },
    throw: async () => {
      await items.return();
      return done();
    },
  };
  return sent;
}

/**
 * The runner's answer, handed to graphql-ws: one result, which graphql-ws sends (through `onNext`,
 * as it is), or the stream, whose items the adapter sends itself (`sentStream`).
 */
export const carriedOutcome = (args: ExecutionArgs) => {
  const { outcome, sendNext } = (args.contextValue as Carried)[OUTCOME];
  // A formatted result, typed as graphql-ws's (it sends what `onNext` returns: it, as it is).
  return (outcome.kind === "single" ? outcome.result : sentStream(outcome.items, sendNext)) as
    | ExecutionResult
    | AsyncIterableIterator<ExecutionResult>;
};

/**
 * The execution arguments that carry the runner's admitted `outcome` through graphql-ws, with how
 * the adapter sends the operation's `next` messages.
 */
export function carryOutcome(
  schema: GraphQLSchema,
  outcome: Admitted,
  sendNext: SendNext,
): ExecutionArgs {
  const contextValue: Carried = { [OUTCOME]: { outcome, sendNext } };
  return { schema, document: CARRIER_DOCUMENT, contextValue };
}
