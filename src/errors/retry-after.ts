import { CostBudgetExhaustedError, UpstreamRateLimitedError } from "../data/errors.js";
import { originalErrorOf } from "./client-errors.js";

/**
 * The whole seconds a rate-limited error says to wait (`retryAfterSeconds` of the data layer's
 * UpstreamRateLimitedError, LookupBudgetExhaustedError or CostBudgetExhaustedError, bare or under
 * graphql-js's located wrapper); undefined when it is not one or does not say. With several
 * errors, the longest any of them asks for (an HTTP answer's `Retry-After`).
 */
export function retryAfterOf(errors: unknown | readonly unknown[]): number | undefined {
  if (!Array.isArray(errors)) {
    const thrown = originalErrorOf(errors);
    return thrown instanceof UpstreamRateLimitedError || thrown instanceof CostBudgetExhaustedError
      ? thrown.retryAfterSeconds
      : undefined;
  }
  let longest: number | undefined;
  for (const error of errors) {
    const seconds = retryAfterOf(error);
    if (seconds !== undefined) longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}
