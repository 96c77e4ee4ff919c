import { setTimeout as sleep } from "node:timers/promises";

/** How plain 429s are retried: stripe-node does not retry them itself. */
export interface RateLimitRetryPolicy {
  /** Retries after the first attempt; 0 disables. */
  maxRetries: number;
  /** First backoff; each retry doubles it, capped at `maxDelayMs`, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The defaults: three retries within about two seconds, so a request still answers quickly. */
export const DEFAULT_RATE_LIMIT_RETRY: RateLimitRetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 1_500,
};

/** True for Stripe's `rate_limit` answer (HTTP 429), whatever error class the SDK chose. */
export function isRateLimited(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return statusCode === 429 || code === "rate_limit";
}

/**
 * Runs `attempt`, retrying it on 429 with exponential backoff and full jitter, at most
 * `policy.maxRetries` times. Resolves with the first success; rejects with the last 429 once
 * retries are exhausted, or at once with any other error.
 */
export async function withRateLimitRetry<T>(
  attempt: () => Promise<T>,
  policy: RateLimitRetryPolicy,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRateLimited(error) || retry >= policy.maxRetries) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
      await sleep(Math.random() * ceiling);
    }
  }
}
