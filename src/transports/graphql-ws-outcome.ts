import { type ExecutionArgs, type ExecutionResult, type GraphQLSchema, parse } from "graphql";
import { mapStream, type OperationOutcome } from "../pipeline/runner.js";

/** Where an admitted operation's outcome rides from `onSubscribe` to `execute`/`subscribe`. */
const OUTCOME = Symbol("runner outcome");
type Carried = { [OUTCOME]: Exclude<OperationOutcome, { kind: "refused" }> };

/**
 * What graphql-ws is handed to "execute": it needs a document naming an operation before it calls
 * `execute` or `subscribe`, both of which send the runner's outcome (the runner parsed and ran
 * the real one). Never executed.
 */
const CARRIER_DOCUMENT = parse("{ __typename }");

/** The runner's answer, handed to graphql-ws to send: one result, or the stream of them. */
export const carriedOutcome = (args: ExecutionArgs) => {
  const outcome = (args.contextValue as Carried)[OUTCOME];
  // Formatted results, typed as graphql-ws's (it sends what `onNext` returns: them, as they are).
  return (
    outcome.kind === "single"
      ? outcome.result
      : mapStream(outcome.items, (item) =>
          item.kind === "result" ? item.result : { errors: [item.error] },
        )
  ) as ExecutionResult | AsyncIterableIterator<ExecutionResult>;
};

/** The execution arguments that carry the runner's admitted `outcome` through graphql-ws. */
export function carryOutcome(
  schema: GraphQLSchema,
  outcome: Exclude<OperationOutcome, { kind: "refused" }>,
): ExecutionArgs {
  const contextValue: Carried = { [OUTCOME]: outcome };
  return { schema, document: CARRIER_DOCUMENT, contextValue };
}
