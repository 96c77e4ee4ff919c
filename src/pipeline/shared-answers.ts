import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import type { GatewayContext } from "../graphql/context.js";

/** Each shared event result's answer, as formatted for its first subscription. */
const answers = new WeakMap<ExecutionResult, FormattedExecutionResult>();

/**
 * The answer of one subscription event, formatted once per resolution rather than once per
 * subscriber: subscriptions that resolved an event alike (`subscribeWithEventContexts`) hold the
 * same result and event context, and an event's answer depends on nothing else once that context
 * carries the event's own charge (`eventCost`, which replaces the subscribe-time cost report in
 * `extensions`): the first subscription's `format` is reused, the same object, for the others.
 * Without an event charge the answer is each subscription's own (`format` every time). The answer
 * is shared: no transport may change it (each serialises it, `serialisedAnswer`).
 */
export function sharedAnswer(
  result: ExecutionResult,
  context: GatewayContext,
  format: () => FormattedExecutionResult,
): FormattedExecutionResult {
  if (context.eventCost === undefined) return format();
  let answer = answers.get(result);
  if (answer === undefined) {
    answer = format();
    answers.set(result, answer);
  }
  return answer;
}
