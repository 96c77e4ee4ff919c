import { setTimeout as sleep } from "node:timers/promises";
import { STRIPE_READING_DASHBOARD } from "../../test/support/rate-limited-upstream.js";
import { startBaselineServer } from "../baseline/server.js";
import { fixed, ratio, table, times } from "../format.js";
import { type LoadFigures, runLoad } from "../load.js";
import { startLimitedStack } from "../production/stack.js";
import { DASHBOARD_BODY, fetchDashboard } from "../query.js";

/** Settings of the read-model section (the main bench's load settings). */
export interface ReadModelOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/** Stripe's test-mode limit, requests per second: the gateway's default and the proxy's. */
const TEST_MODE_LIMIT = 25;
/**
 * Fewest measured seconds of each run: a pass-through dashboard takes connections x 4 calls / 25
 * per second (about 3 s at 20 connections), so a shorter run would count next to no answers.
 */
const MIN_MEASURED_SECONDS = 5;

/** One target's load run, with the successful answers per second and Stripe's side of it. */
export interface ReadModelRun {
  load: LoadFigures;
  /** Answers per second that were GraphQL successes (the dashboard served). */
  answeredPerSecond: number;
  /** Stripe requests the run caused (the proxy's count), and per query sent. */
  stripeCalls: number;
  stripeCallsPerQuery: number | null;
  /** Requests the emulated Stripe answered 429 (the gateway's limiter should keep this 0). */
  upstream429s: number;
}

/** What the section measured (the `readModel` part of bench/results/latest.json). */
export interface ReadModelResults {
  stripeLimitPerSecond: number;
  customer: { accounts: number; authorizations: number };
  /** The dashboard served from the warm read model. */
  warm: ReadModelRun;
  /** The same dashboard with `refresh: true`: every read passes through to Stripe (before issue 13). */
  passThrough: ReadModelRun;
  /** The bare Apollo Server answering the same dashboard from memory. */
  baseline: ReadModelRun;
  /** Ratios of answered-per-second figures. */
  ratios: {
    warmOverPassThrough: number | null;
    warmOverBaseline: number | null;
    passThroughOverBaseline: number | null;
  };
}

const PASS_THROUGH_BODY = JSON.stringify({
  query: STRIPE_READING_DASHBOARD,
  operationName: "Dashboard",
});

/**
 * Warm dashboard throughput at Stripe's test-mode limit (25 requests/s, emulated by a proxy that
 * answers 429 above it; the gateway's limiter at its default 25/s): the gateway serving the
 * dashboard from its warm read model, the same gateway with every read passing through to Stripe
 * (`refresh: true`, the figure before the read model), and the bare in-memory Apollo baseline,
 * one after the other with the same load settings (at least MIN_MEASURED_SECONDS measured), for a customer with 10 accounts over 3
 * authorizations. Stripe calls are counted at the proxy for each measured part.
 */
export async function runReadModelSection(
  options: ReadModelOptions,
  progress: (message: string) => void,
): Promise<ReadModelResults> {
  const stack = await startLimitedStack(TEST_MODE_LIMIT, {
    STRIPE_RATE_LIMIT_PER_SECOND: String(TEST_MODE_LIMIT),
  });
  try {
    // The first dashboard fills the read model (the cold load); the answer feeds the baseline.
    const answer = await fetchDashboard(stack.graphqlUrl, stack.headers);
    const measure = async (url: string, body: string): Promise<ReadModelRun> => {
      const load = await runLoad({
        url,
        headers: stack.headers,
        body,
        connections: options.connections,
        durationSeconds: Math.max(options.durationSeconds, MIN_MEASURED_SECONDS),
        warmupSeconds: options.warmupSeconds,
        beforeMeasuring: async () => {
          // Let the warm-up's queries finish, then count the measured part alone.
          await settled(stack.upstream.stats);
          stack.upstream.reset();
        },
      });
      const upstream = await settled(stack.upstream.stats);
      const failed = load.non2xx + load.graphqlErrors + load.errors;
      return {
        load,
        answeredPerSecond: Math.max(0, load.requests - failed) / load.durationSeconds,
        stripeCalls: upstream.requests,
        stripeCallsPerQuery: ratio(upstream.requests, load.sent),
        upstream429s: upstream.rateLimited,
      };
    };
    progress("read model: warm dashboards at Stripe's test-mode limit");
    const warm = await measure(stack.graphqlUrl, DASHBOARD_BODY);
    progress("read model: the same dashboards passing through to Stripe (refresh: true)");
    const passThrough = await measure(stack.graphqlUrl, PASS_THROUGH_BODY);
    const baselineServer = await startBaselineServer(answer);
    let baseline: ReadModelRun;
    try {
      progress("read model: the bare Apollo baseline");
      baseline = await measure(baselineServer.graphqlUrl, DASHBOARD_BODY);
    } finally {
      await baselineServer.close();
    }
    return {
      stripeLimitPerSecond: TEST_MODE_LIMIT,
      customer: { accounts: 10, authorizations: 3 },
      warm,
      passThrough,
      baseline,
      ratios: {
        warmOverPassThrough: ratio(warm.answeredPerSecond, passThrough.answeredPerSecond),
        warmOverBaseline: ratio(warm.answeredPerSecond, baseline.answeredPerSecond),
        passThroughOverBaseline: ratio(passThrough.answeredPerSecond, baseline.answeredPerSecond),
      },
    };
  } finally {
    await stack.close();
  }
}

/** Waits until the proxy's request count stops moving (two equal reads 100 ms apart, 5 s at most). */
async function settled<T extends { requests: number }>(stats: () => T): Promise<T> {
  const deadline = Date.now() + 5_000;
  let previous = stats();
  for (;;) {
    await sleep(100);
    const current = stats();
    if (current.requests === previous.requests || Date.now() > deadline) return current;
    previous = current;
  }
}

const row = (target: string, run: ReadModelRun) => [
  target,
  fixed(run.answeredPerSecond, 1),
  fixed(run.load.latencyMs.p50, 0),
  fixed(run.load.latencyMs.p99, 0),
  String(run.load.requests),
  String(run.load.non2xx + run.load.graphqlErrors + run.load.errors),
  fixed(run.stripeCallsPerQuery, 3),
  String(run.upstream429s),
];

/** The section as printed on stdout. */
export function formatReadModelReport(results: ReadModelResults): string {
  const { customer: c, ratios: r } = results;
  return [
    `Read model: dashboard (${c.accounts} accounts / ${c.authorizations} authorizations) at Stripe's test-mode limit (${results.stripeLimitPerSecond} req/s, emulated; gateway limiter at its default)`,
    table(
      [
        "target",
        "answered/s",
        "p50 ms",
        "p99 ms",
        "requests",
        "failed",
        "Stripe calls/query",
        "429s",
      ],
      [
        row("gateway, warm read model", results.warm),
        row("gateway, pass-through (refresh: true)", results.passThrough),
        row("baseline (bare Apollo, memory)", results.baseline),
      ],
    ),
    `  warm / pass-through ${times(r.warmOverPassThrough)}; warm / baseline ${times(r.warmOverBaseline)}; pass-through / baseline ${times(r.passThroughOverBaseline)}`,
  ].join("\n");
}
