import { UpstreamRejectedError } from "./errors.js";

/**
 * Returns `answer` when it is the object `askedId` names; otherwise rejects with
 * UpstreamRejectedError (UPSTREAM_ERROR at the edge; the ids only in its `cause`, for the logs):
 * an answer about another object (a Stripe-compatible stand-in such as stripe-mock answers
 * actions with a new id) must never be stored or served as the object asked for.
 */
export function answerFor<T extends { id: string }>(answer: T, askedId: string): T {
  if (answer.id === askedId) return answer;
  throw new UpstreamRejectedError({
    cause: new Error(`Stripe answered with object ${answer.id} for ${askedId}`),
  });
}
