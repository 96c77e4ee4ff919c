import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

/** One load run: the same POST sent over `connections` keep-alive connections for a while. */
export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /**
   * Headers over `headers` for the requests each connection sends in turn (the first, then the
   * second, ..., then the first again), e.g. one token per customer; unset: every request the same.
   */
  headersInTurn?: Record<string, string>[];
  connections: number;
  /** Measured seconds. */
  durationSeconds: number;
  /** Seconds of the same load first, not measured (JIT, connection pools, caches); 0 skips it. */
  warmupSeconds: number;
  /** Called after the warm-up, right before the measured part (e.g. to reset counters). */
  beforeMeasuring?: () => Promise<void>;
  /**
   * Seconds a response may take before autocannon counts it as an error (default 30, a common
   * HTTP client default; autocannon's own is 10). Timeouts are reported apart as well.
   */
  timeoutSeconds?: number;
}

/** What one measured run gave. Latencies are autocannon's, whole milliseconds. */
export interface LoadFigures {
  /** Responses received in the measured part (any status). */
  requests: number;
  /** Requests sent in the measured part: `requests` plus those still in flight when it ended. */
  sent: number;
  durationSeconds: number;
  /** Mean responses per second over the measured part. */
  throughputRps: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  /** Responses other than 2xx. */
  non2xx: number;
  /** 2xx responses that were not a GraphQL success (errors, or no data). */
  graphqlErrors: number;
  /** Connection errors, timeouts included. */
  errors: number;
  /** Responses that took longer than the client timeout. */
  timeouts: number;
}

/** A CommonJS module whose default export checks that a response is a GraphQL success. */
const GRAPHQL_OK = fileURLToPath(new URL("./graphql-ok.cjs", import.meta.url));

/** Runs autocannon for `seconds` with the options' request; rejects if autocannon fails to run. */
function fire(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    method: "POST",
    headers: options.headers,
    body: options.body,
    requests: options.headersInTurn?.map((headers) => ({
      method: "POST" as const,
      headers: { ...options.headers, ...headers },
      body: options.body,
    })),
    connections: options.connections,
    duration: seconds,
    timeout: options.timeoutSeconds ?? 30,
    // One worker thread: the load generator gets its own event loop and so does not steal time
    // from the servers under test, which run on the main thread.
    workers: 1,
    // In workers mode autocannon wants a module path here, not the function its types describe.
    verifyBody: GRAPHQL_OK as unknown as autocannon.Options["verifyBody"],
  });
}

/**
 * Warms `url` up, then measures it: throughput and latency percentiles at a fixed concurrency
 * (closed loop: each connection sends its next request when the previous answer arrives).
 * Reports whatever happened, failures included; never asserts on timings.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  if (options.warmupSeconds > 0) await fire(options, options.warmupSeconds);
  await options.beforeMeasuring?.();
  return figuresOf(await fire(options, options.durationSeconds));
}

/** The figures of one autocannon run (shared by every load section). */
export function figuresOf(result: autocannon.Result): LoadFigures {
  return {
    requests: result.requests.total,
    sent: result.requests.sent,
    durationSeconds: result.duration,
    throughputRps: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    graphqlErrors: result.mismatches,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
