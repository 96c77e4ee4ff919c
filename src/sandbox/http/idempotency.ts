import { StripeError } from "./errors.js";

/** A response kept for replay. */
export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry extends StoredResponse {
  endpoint: string;
  fingerprint: string;
  storedAt: number;
}

/** Stripe keeps keys for at least 24 hours. */
const TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency for POSTs: the first response of an executed request is kept per API key
 * and `Idempotency-Key`; the same key with the same endpoint and parameters replays it. Bounded
 * (oldest entries evicted first), so a long benchmark cannot exhaust memory.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 20_000) {}

  /**
   * The stored response to replay, or undefined when the key is new (or expired). Throws a 400
   * `idempotency_error` when the key was used for another endpoint or other parameters.
   */
  lookup(
    apiKey: string,
    key: string,
    endpoint: string,
    fingerprint: string,
  ): StoredResponse | undefined {
    const entry = this.entries.get(`${apiKey}\u0000${key}`);
    if (!entry) return undefined;
    if (Date.now() - entry.storedAt > TTL_MS) {
      this.entries.delete(`${apiKey}\u0000${key}`);
      return undefined;
    }
    if (entry.endpoint !== endpoint) {
      throw new StripeError(
        400,
        "idempotency_error",
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (entry.fingerprint !== fingerprint) {
      throw new StripeError(
        400,
        "idempotency_error",
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    return entry;
  }

  /** Keeps the response of an executed request for later replays. */
  remember(
    apiKey: string,
    key: string,
    endpoint: string,
    fingerprint: string,
    response: StoredResponse,
  ): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(`${apiKey}\u0000${key}`, {
      ...response,
      endpoint,
      fingerprint,
      storedAt: Date.now(),
    });
  }
}
