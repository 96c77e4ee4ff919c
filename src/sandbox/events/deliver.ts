import http from "node:http";
import https from "node:https";
import { nowSeconds } from "../state/ids.js";
import { signatureHeader } from "./sign.js";

/** Retry policy of webhook deliveries (exponential backoff with jitter). */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Defaults when SandboxOptions.webhookRetry leaves a value out. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * Where one event stands with one destination. `dropped`: never sent, because the sandbox was in
 * drop mode when it emitted the event (a missed webhook).
 */
export interface DeliveryStatus {
  url: string;
  status: "pending" | "succeeded" | "failed" | "dropped";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/**
 * Delivers signed events to webhook URLs in the background. Each delivery is retried on a
 * non-2xx answer or a connection error, with exponential backoff and jitter, until it succeeds or
 * `maxAttempts` is reached; each attempt is signed afresh (new `t=`), as Stripe does. Nothing here
 * ever throws into the caller. `close()` cancels pending retries and in-flight requests.
 */
export class WebhookDeliverer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  private closed = false;

  constructor(
    private readonly secret: string,
    private readonly retry: RetryPolicy,
  ) {}

  /** Starts delivering `payload` to `status.url`; progress is written into `status`. */
  deliver(payload: string, status: DeliveryStatus): void {
    if (this.closed) return;
    this.schedule(0, payload, status);
  }

  /** Stops everything: no further attempts, open requests aborted, sockets closed. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** The wait before attempt `attempt + 1`: base * 2^(attempt-1), capped, with 50-100% jitter. */
  backoffDelay(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + Math.random() * 0.5));
  }

  private schedule(delayMs: number, payload: string, status: DeliveryStatus): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(payload, status);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(payload: string, status: DeliveryStatus): Promise<void> {
    if (this.closed) return;
    status.attempts += 1;
    const outcome = await this.post(status.url, payload);
    if (this.closed) return;
    status.lastStatusCode = outcome.statusCode;
    status.lastError = outcome.error;
    if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) {
      status.status = "succeeded";
      return;
    }
    if (status.attempts >= this.retry.maxAttempts) {
      status.status = "failed";
      return;
    }
    this.schedule(this.backoffDelay(status.attempts), payload, status);
  }

  private post(
    url: string,
    payload: string,
  ): Promise<{ statusCode: number | null; error: string | null }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ statusCode: null, error: "invalid URL" });
        return;
      }
      const isHttps = target.protocol === "https:";
      const request = (isHttps ? https : http).request(
        target,
        {
          method: "POST",
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          timeout: ATTEMPT_TIMEOUT_MS,
          headers: {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": Buffer.byteLength(payload),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signatureHeader(payload, this.secret, nowSeconds()),
          },
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            this.inFlight.delete(request);
            resolve({ statusCode: response.statusCode ?? null, error: null });
          });
          response.on("error", () => undefined);
        },
      );
      request.on("timeout", () => request.destroy(new Error("timed out")));
      request.on("error", (error) => {
        this.inFlight.delete(request);
        resolve({ statusCode: null, error: error.message });
      });
      this.inFlight.add(request);
      request.end(payload);
    });
  }
}
