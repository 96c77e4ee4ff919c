import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { startGateway } from "../../src/server/gateway.js";
import { gracefulShutdown } from "../../src/server/shutdown.js";
import { startBaselineServer } from "../baseline/server.js";
import { startExternalSandbox } from "../external-sandbox.js";
import { type LoadFigures, runLoad } from "../load.js";
import { DASHBOARD_BODY, fetchDashboard } from "../query.js";
import { sandboxControl } from "../sandbox-control.js";
import { startLimitedStack } from "./stack.js";

/** Settings of the production-posture section (environment, read once). */
export interface ProductionOptions {
  /** Concurrent dashboard queries in the burst (BENCH_BURST_QUERIES, default 500). */
  burstQueries: number;
  /** Stripe's limit the burst runs against, per second (test mode: 25). */
  burstLimit: number;
  /** Clients and seconds of the load run (BENCH_LOAD_CONNECTIONS 200, BENCH_LOAD_SECONDS 30). */
  loadConnections: number;
  loadSeconds: number;
}

/** Reads the section's settings; throws naming the variable when one is not a whole number >= 1. */
export function readProductionOptions(env: NodeJS.ProcessEnv = process.env): ProductionOptions {
  const int = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a whole number >= 1`);
    return value;
  };
  return {
    burstQueries: int("BENCH_BURST_QUERIES", 500),
    burstLimit: 25,
    loadConnections: int("BENCH_LOAD_CONNECTIONS", 200),
    loadSeconds: int("BENCH_LOAD_SECONDS", 30),
  };
}

/** The burst against Stripe's test-mode limit. */
export interface BurstFigures {
  queries: number;
  answered: number;
  failed: number;
  durationSeconds: number;
  upstreamRequests: number;
  upstream429s: number;
  maxUpstreamPerSecond: number;
  meanUpstreamPerSecond: number;
}

/** One customer floods the Stripe budget while another uses its dashboard (issue 14). */
export interface FloodFigures {
  /** Stripe's answer time emulated by the sandbox during the flood scenario (ms). */
  stripeLatencyMs: number;
  /** The flood, unknown ids: how many were asked and how many requests reached Stripe. */
  unknownIds: { asked: number; stripeRequests: number };
  /** The quiet customer's Stripe-reading dashboard latency, alone and during the flood (ms). */
  quietUnloaded: { p50: number; p99: number };
  quietFlooded: { p50: number; p99: number };
  /** quietFlooded.p50 / quietUnloaded.p50. */
  p50Ratio: number | null;
  /** The flooder's per-account Stripe reads (transactions): answered, or refused RATE_LIMITED. */
  floodAccepted: number;
  floodRefused: number;
  /** Flood answers that carried Retry-After. */
  floodRetryAfter: number;
  /** /readyz answers during the flood that were not 200. */
  readyzNot200: number;
  upstream429s: number;
}

/** The load run against the baseline of the same run. */
export interface HighLoadFigures {
  connections: number;
  gateway: LoadFigures;
  baseline: LoadFigures;
  throughputRatio: number | null;
  p99Ratio: number | null;
}

/** SIGTERM under load. */
export interface SigtermFigures {
  clients: number;
  /** Requests that got an HTTP answer, by class. */
  answered2xx: number;
  answered5xx: number;
  answeredOther: number;
  /** Requests answered after the shutdown began (in flight at SIGTERM). */
  completedAfterSignal: number;
  /** Connection attempts refused after the shutdown began (the listener was closed). */
  refused: number;
  shutdownSeconds: number;
  clean: boolean;
}

/** Everything the section measured (bench/results/production.json). */
export interface ProductionResults {
  burst: BurstFigures;
  flood: FloodFigures;
  load: HighLoadFigures;
  sigterm: SigtermFigures;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** 500 concurrent dashboard queries (4 Stripe calls each) through the limiter at 25/s. */
async function burst(options: ProductionOptions): Promise<BurstFigures> {
  const stack = await startLimitedStack(options.burstLimit, {
    STRIPE_RATE_LIMIT_PER_SECOND: String(options.burstLimit),
  });
  try {
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: options.burstQueries }, () =>
        fetchDashboard(stack.graphqlUrl, stack.headers),
      ),
    );
    const durationSeconds = (performance.now() - started) / 1000;
    const answered = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
    const upstream = stack.upstream.stats();
    return {
      queries: options.burstQueries,
      answered,
      failed: options.burstQueries - answered,
      durationSeconds,
      upstreamRequests: upstream.requests,
      upstream429s: upstream.rateLimited,
      maxUpstreamPerSecond: upstream.maxPerSecond,
      meanUpstreamPerSecond: upstream.meanPerSecond,
    };
  } finally {
    await stack.close();
  }
}

const percentile = (values: number[], share: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
};

/** The bench dashboard read from Stripe now (`refresh: true`), past the read model. */
const REFRESH_DASHBOARD_BODY = DASHBOARD_BODY.replace(
  "accounts(first: 100)",
  "accounts(first: 100, refresh: true)",
);
/** The flood: the flooder's account list from Stripe, then each account's transactions. */
const STRIPE_FLOOD = `{ accounts(first: 100, refresh: true) { nodes { id
  transactions(first: 1) { nodes { id } } } } }`;
/** About Stripe's own answer time; the sandbox is delayed so in the flood scenario. */
const FLOOD_STRIPE_LATENCY_MS = 150;

/**
 * Issue 14's flood against Stripe's test-mode limit, after the read model. First the issue's
 * attack as it was, 8 concurrent `nodes(ids: [40 unknown ids])`, counting the requests that still
 * reach Stripe. Then a flood the read model cannot absorb: one customer keeps 8 concurrent
 * `accounts(refresh: true) { transactions }` going (40 accounts: 41 Stripe reads each) while
 * another loads its dashboard with `refresh: true` 20 times in a row, alone and then during the
 * flood, the sandbox answering in FLOOD_STRIPE_LATENCY_MS as Stripe would.
 */
export async function flood(options: ProductionOptions): Promise<FloodFigures> {
  const stack = await startLimitedStack(options.burstLimit, {
    STRIPE_RATE_LIMIT_PER_SECOND: String(options.burstLimit),
  });
  try {
    const flooder = await sandboxControl(stack.sandboxUrl).createCustomer(40, 1);
    const floodHeaders = await stack.headersFor(flooder.id);
    const post = async (headers: Record<string, string>, body: string) => {
      const response = await fetch(stack.graphqlUrl, { method: "POST", headers, body });
      const answer = (await response.json()) as {
        data?: { accounts?: { nodes: { transactions: unknown }[] } } | null;
        errors?: { extensions?: { code?: string } }[];
      };
      return { response, answer };
    };

    const before = stack.upstream.stats().requests;
    await Promise.all(
      Array.from({ length: 8 }, (_, query) => {
        const ids = Array.from({ length: 40 }, (_, i) => `"fca_unknown${query}x${i}"`);
        return post(
          floodHeaders,
          JSON.stringify({ query: `{ nodes(ids: [${ids.join(",")}]) { id } }` }),
        );
      }),
    );
    const unknownIds = { asked: 8 * 40, stripeRequests: stack.upstream.stats().requests - before };

    await fetch(`${stack.sandboxUrl}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ delay_ms: FLOOD_STRIPE_LATENCY_MS, count: 1_000_000 }),
    });
    // Once before measuring: the sandbox generates transactions on their first read.
    await post(floodHeaders, JSON.stringify({ query: STRIPE_FLOOD }));
    const dashboards = async () => {
      const latencies: number[] = [];
      for (let run = 0; run < 20; run++) {
        const started = performance.now();
        const { response, answer } = await post(stack.headers, REFRESH_DASHBOARD_BODY);
        if (response.status !== 200 || answer.errors !== undefined)
          throw new Error(`the dashboard failed: ${JSON.stringify(answer).slice(0, 300)}`);
        latencies.push(performance.now() - started);
      }
      return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
    };
    const quietUnloaded = await dashboards();
    const figures = {
      floodAccepted: 0,
      floodRefused: 0,
      floodRetryAfter: 0,
      readyzNot200: 0,
    };
    let flooding = true;
    let answers = 0;
    let floodIsOn = () => {};
    const floodOn = new Promise<void>((resolve) => {
      floodIsOn = resolve;
    });
    const worker = async () => {
      while (flooding) {
        const { response, answer } = await post(
          floodHeaders,
          JSON.stringify({ query: STRIPE_FLOOD }),
        );
        if (response.headers.has("retry-after")) figures.floodRetryAfter++;
        const refused = (answer.errors ?? []).filter(
          (error) => error.extensions?.code === "RATE_LIMITED",
        ).length;
        figures.floodRefused += refused;
        figures.floodAccepted += (answer.data?.accounts?.nodes ?? []).filter(
          (node) => node.transactions !== null,
        ).length;
        answers += 1;
        // On once every flooding query has answered: the flooder's calls fill the budget.
        if (answers >= 8) floodIsOn();
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    await floodOn;
    const readyz = (async () => {
      while (flooding) {
        const response = await fetch(stack.graphqlUrl.replace("/graphql", "/readyz"));
        await response.text();
        if (response.status !== 200) figures.readyzNot200++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const quietFlooded = await dashboards();
    flooding = false;
    await Promise.all([...workers, readyz]);
    return {
      stripeLatencyMs: FLOOD_STRIPE_LATENCY_MS,
      unknownIds,
      quietUnloaded,
      quietFlooded,
      p50Ratio: ratio(quietFlooded.p50, quietUnloaded.p50),
      ...figures,
      upstream429s: stack.upstream.stats().rateLimited,
    };
  } finally {
    await stack.close();
  }
}

/**
 * Many clients for a while. The sandbox is local and has no limit of its own, so the limiter is
 * set far above what the run reaches (10,000/s): this measures the gateway, not Stripe's quota.
 */
async function highLoad(options: ProductionOptions): Promise<HighLoadFigures> {
  // The sandbox runs as its own process here, as Stripe runs apart from the gateway: the gateway
  // then has an event loop (and, on this 2-core machine, a core) of its own.
  const sandbox = await startExternalSandbox();
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "silent",
    RATE_LIMIT_COST_PER_MINUTE: "100000000",
    // The bench reads Stripe with refresh: true on purpose: the refresh budget must not refuse it.
    RATE_LIMIT_REFRESHES_PER_MINUTE: "1000000",
    STRIPE_RATE_LIMIT_PER_SECOND: "10000",
  });
  const gateway = await startGateway({
    config,
    logger: createLogger("silent"),
    stripeApiBase: sandbox.url,
    port: 0,
  });
  try {
    const customer = await sandboxControl(sandbox.url).createCustomer(10, 3);
    const token = await signToken(config.auth, { customerId: customer.id, ttlSeconds: 3600 });
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
    const graphqlUrl = `${gateway.url}/graphql`;
    const answer = await fetchDashboard(graphqlUrl, headers);
    const settings = {
      headers,
      body: DASHBOARD_BODY,
      connections: options.loadConnections,
      durationSeconds: options.loadSeconds,
      warmupSeconds: 2,
    };
    const gatewayFigures = await runLoad({ ...settings, url: graphqlUrl });
    const baselineServer = await startBaselineServer(answer);
    try {
      const baseline = await runLoad({ ...settings, url: baselineServer.graphqlUrl });
      return {
        connections: options.loadConnections,
        gateway: gatewayFigures,
        baseline,
        throughputRatio: ratio(gatewayFigures.throughputRps, baseline.throughputRps),
        p99Ratio: ratio(gatewayFigures.latencyMs.p99, baseline.latencyMs.p99),
      };
    } finally {
      await baselineServer.close();
    }
  } finally {
    await gateway.close();
    await sandbox.close();
  }
}

/**
 * 50 clients loop on the dashboard query (each upstream call delayed 200 ms by the sandbox, so
 * many are in flight); after 2 s the gateway's graceful shutdown starts, as SIGTERM would. Closes
 * the rest of its stack (proxy, sandbox) before it resolves, leaving nothing open.
 */
export async function sigtermUnderLoad(): Promise<SigtermFigures> {
  const clients = 50;
  const stack = await startLimitedStack(1_000_000, { STRIPE_RATE_LIMIT_PER_SECOND: "10000" });
  await fetch(`${stack.sandboxUrl}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ delay_ms: 200, count: 1_000_000 }),
  });
  const figures = { answered2xx: 0, answered5xx: 0, answeredOther: 0, afterSignal: 0, refused: 0 };
  let signalled = false;
  const client = async () => {
    for (;;) {
      try {
        const response = await fetch(stack.graphqlUrl, {
          method: "POST",
          headers: stack.headers,
          body: DASHBOARD_BODY,
        });
        await response.text();
        if (response.status >= 500) figures.answered5xx++;
        else if (response.status >= 200 && response.status < 300) figures.answered2xx++;
        else figures.answeredOther++;
        if (signalled) figures.afterSignal++;
      } catch {
        if (signalled) {
          figures.refused++;
          return;
        }
      }
    }
  };
  const running = Array.from({ length: clients }, client);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  signalled = true;
  const started = performance.now();
  const { clean } = await gracefulShutdown({
    logger: createLogger("silent"),
    timeoutMs: 25_000,
    steps: [{ name: "gateway", close: () => stack.gateway.close() }],
  });
  const shutdownSeconds = (performance.now() - started) / 1000;
  await Promise.all(running);
  await fetch(`${stack.sandboxUrl}/_sandbox/faults`, { method: "DELETE" }).catch(() => {});
  await stack.close();
  return {
    clients,
    answered2xx: figures.answered2xx,
    answered5xx: figures.answered5xx,
    answeredOther: figures.answeredOther,
    completedAfterSignal: figures.afterSignal,
    refused: figures.refused,
    shutdownSeconds,
    clean,
  };
}

/** Runs the three production-posture measurements, reporting progress. */
export async function runProductionSection(
  options: ProductionOptions,
  progress: (message: string) => void,
): Promise<ProductionResults> {
  progress(
    `production: burst of ${options.burstQueries} dashboard queries at ${options.burstLimit}/s`,
  );
  const burstFigures = await burst(options);
  progress("production: one customer floods the Stripe budget, another loads its dashboard");
  const floodFigures = await flood(options);
  progress(`production: ${options.loadConnections} clients for ${options.loadSeconds} s`);
  const load = await highLoad(options);
  progress("production: SIGTERM during load");
  const sigterm = await sigtermUnderLoad();
  return { burst: burstFigures, flood: floodFigures, load, sigterm };
}

const n = (value: number | null, digits = 0) => (value === null ? "n/a" : value.toFixed(digits));

/** The section as printed on stdout. */
export function formatProduction(results: ProductionResults): string {
  const { burst: b, flood: f, load: l, sigterm: s } = results;
  return [
    "Production posture",
    `Burst: ${b.queries} concurrent dashboard queries against an upstream limited like Stripe's test mode (25 req/s; gateway limiter at 25/s, burst 5)`,
    `  answered ${b.answered}, failed ${b.failed}, in ${n(b.durationSeconds, 1)} s`,
    `  upstream: ${b.upstreamRequests} requests, ${b.upstream429s} answered 429, max ${b.maxUpstreamPerSecond} in any 1-s window, mean ${n(b.meanUpstreamPerSecond, 1)}/s`,
    `Flood (25 req/s): the issue's 8 concurrent nodes(ids: [40 unknown ids]): ${f.unknownIds.asked} ids asked, ${f.unknownIds.stripeRequests} requests reached Stripe`,
    `  then one customer keeps 8 concurrent accounts(refresh: true) { transactions } going (40 accounts), another loads its refresh dashboard 20 times (Stripe answering in ${f.stripeLatencyMs} ms)`,
    `  other customer's dashboard: alone p50 ${n(f.quietUnloaded.p50)} ms, p99 ${n(f.quietUnloaded.p99)} ms; during the flood p50 ${n(f.quietFlooded.p50)} ms, p99 ${n(f.quietFlooded.p99)} ms; p50 ratio ${n(f.p50Ratio, 2)}x`,
    `  flooder: ${f.floodAccepted} reads answered, ${f.floodRefused} refused RATE_LIMITED (${f.floodRetryAfter} answers with Retry-After); /readyz not 200: ${f.readyzNot200}; upstream 429s: ${f.upstream429s}`,
    `Load: ${l.connections} clients, dashboard query (limiter at 10,000/s: the local sandbox has no quota, so the gateway is measured, not Stripe's limit)`,
    `  gateway  ${n(l.gateway.throughputRps)} req/s, p50 ${n(l.gateway.latencyMs.p50)} ms, p99 ${n(l.gateway.latencyMs.p99)} ms, max ${n(l.gateway.latencyMs.max)} ms, ${l.gateway.requests} answers, errors ${l.gateway.non2xx + l.gateway.graphqlErrors + l.gateway.errors} (timeouts over 30 s: ${l.gateway.timeouts})`,
    `  baseline ${n(l.baseline.throughputRps)} req/s, p50 ${n(l.baseline.latencyMs.p50)} ms, p99 ${n(l.baseline.latencyMs.p99)} ms, max ${n(l.baseline.latencyMs.max)} ms, ${l.baseline.requests} answers, errors ${l.baseline.non2xx + l.baseline.graphqlErrors + l.baseline.errors} (timeouts over 30 s: ${l.baseline.timeouts})`,
    `  gateway / baseline: throughput ${n(l.throughputRatio, 2)}x, p99 ${n(l.p99Ratio, 2)}x`,
    `SIGTERM during load: ${s.clients} clients, upstream calls delayed 200 ms`,
    `  2xx ${s.answered2xx}, 5xx ${s.answered5xx}, other ${s.answeredOther}; ${s.completedAfterSignal} completed after the signal, ${s.refused} clients refused afterwards; shutdown ${n(s.shutdownSeconds, 2)} s, clean: ${s.clean}`,
  ].join("\n");
}
