/**
 * `npm run bench`: the gateway's cost for the dashboard query, in Stripe calls (against a naive
 * one-call-per-field resolver set) and in latency and throughput (against a bare Apollo Server
 * answering from memory); warm dashboard throughput with the read model at Stripe's test-mode
 * limit, against the same dashboard passing through to Stripe and the bare baseline; Stripe calls
 * per lifecycle event (warm and cold, 20 subscribers; BENCH_ONLY=event-calls alone); the lean
 * path (the pipeline floor and the warm dashboard against a bare Apollo standalone, each in its
 * own process; alone with BENCH_ONLY=lean, figures in bench/results/lean.json); then its live
 * events (BENCH_ONLY=live alone, figures in bench/results/live.json): webhook-to-subscriber
 * latency, memory per subscription and CPU per delivered message of the built gateway (its own
 * process, NODE_ENV=production) over graphql-ws, graphql-sse and two instances on Redis, each
 * against a bare graphql-ws / graphql-sse server in its own process on the same subscribers (spread
 * over subscriber processes of their own; the open-file limit is checked first), and webhook
 * ingestion rate (against a bare signature check); and the cost
 * pricing of an adversarial fragment fan-out (against the dashboard's). Prints a table
 * on stdout, writes bench/results/latest.json, reports progress on stderr, and closes every server
 * so the process exits by itself.
 */
import { writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { formatAnalysis, runAnalysisSection } from "./analysis/section.js";
import { startBaselineServer } from "./baseline/server.js";
import { countStripeCalls, settledCounts } from "./calls.js";
import { ratio } from "./format.js";
import { hostileOnly } from "./hostile/main.js";
import { formatLean, type LeanResults, readLeanOptions, runLeanSection } from "./lean/section.js";
import { readBurstOptions, readLiveOptions } from "./live/options.js";
import { formatBurstReport, formatLiveReport } from "./live/report.js";
import { runLiveSection } from "./live/section.js";
import { runLoad } from "./load.js";
import { expectedNaiveCalls } from "./naive/resolvers.js";
import { startNaiveServer } from "./naive/server.js";
import { type CustomerShape, readOptions } from "./options.js";
import { runPricingSection } from "./pricing/section.js";
import {
  formatProduction,
  readProductionOptions,
  runProductionSection,
} from "./production/section.js";
import { DASHBOARD_BODY, DASHBOARD_QUERY, type GraphQLData } from "./query.js";
import { runEventCallsSection } from "./read-model/event-calls.js";
import { runReadModelSection } from "./read-model/section.js";
import {
  type BenchResults,
  type CallsComparison,
  formatReport,
  type LoadComparison,
  writeResults,
} from "./report.js";
import { sandboxControl } from "./sandbox-control.js";
import { formatSandboxSeed, measureSandboxSeed } from "./sandbox-seed.js";
import { type GatewayStack, startGatewayStack } from "./stack.js";

const options = readOptions();
const liveOptions = readLiveOptions();
const LEAN_RESULTS = fileURLToPath(new URL("./results/lean.json", import.meta.url));
const LIVE_RESULTS = fileURLToPath(new URL("./results/live.json", import.meta.url));
const BURST_RESULTS = fileURLToPath(new URL("./results/burst.json", import.meta.url));
const PRODUCTION_RESULTS = fileURLToPath(new URL("./results/production.json", import.meta.url));
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** A customer created for the bench, with the headers that make it the viewer. */
interface BenchCustomer {
  shape: CustomerShape;
  headers: Record<string, string>;
  /** The gateway's answer to the dashboard query for this customer. */
  answer: GraphQLData;
}

/** Number of account nodes in a dashboard answer (0 when the shape is unexpected). */
function nodeCount(answer: GraphQLData): number {
  const accounts = answer.accounts;
  if (typeof accounts !== "object" || accounts === null || !("nodes" in accounts)) return 0;
  return Array.isArray(accounts.nodes) ? accounts.nodes.length : 0;
}

/**
 * Creates a customer of each shape and counts one dashboard query's Stripe calls through the
 * gateway and through the naive server. Throws when the two answers differ or miss accounts:
 * the counts would then not compare like with like.
 */
async function compareStripeCalls(
  stack: GatewayStack,
  naiveUrl: string,
): Promise<{ customers: BenchCustomer[]; rows: CallsComparison[] }> {
  const sandbox = sandboxControl(stack.sandbox.url);
  const customers: BenchCustomer[] = [];
  const rows: CallsComparison[] = [];
  for (const shape of options.customers) {
    const customer = await sandbox.createCustomer(shape.accounts, shape.authorizations);
    const headers = await stack.headersFor(customer.id);
    const gateway = await countStripeCalls(sandbox, stack.graphqlUrl, headers);
    const naive = await countStripeCalls(sandbox, naiveUrl, headers);
    if (nodeCount(gateway.data) !== shape.accounts) {
      throw new Error(`gateway answered ${nodeCount(gateway.data)} of ${shape.accounts} accounts`);
    }
    if (!isDeepStrictEqual(gateway.data, naive.data)) {
      throw new Error(`naive and gateway answers differ for ${customer.id}`);
    }
    if (naive.stripeCalls.total !== expectedNaiveCalls(shape.accounts)) {
      progress(
        `note: naive made ${naive.stripeCalls.total} calls, ${expectedNaiveCalls(shape.accounts)} expected`,
      );
    }
    progress(
      `${shape.accounts} accounts: gateway ${gateway.stripeCalls.total} calls, naive ${naive.stripeCalls.total}`,
    );
    customers.push({ shape, headers, answer: gateway.data });
    rows.push({
      customer: shape,
      gateway: gateway.stripeCalls,
      naive: naive.stripeCalls,
      naiveOverGateway: ratio(naive.stripeCalls.total, gateway.stripeCalls.total),
    });
  }
  return { customers, rows };
}

/** Loads the gateway, then a baseline serving its answer from memory, with the same settings. */
async function compareUnderLoad(
  stack: GatewayStack,
  customer: BenchCustomer,
): Promise<LoadComparison> {
  const sandbox = sandboxControl(stack.sandbox.url);
  const settings = {
    headers: customer.headers,
    body: DASHBOARD_BODY,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };
  const label = `${customer.shape.accounts} accounts`;
  progress(`${label}: loading the gateway`);
  const gateway = await runLoad({
    ...settings,
    url: stack.graphqlUrl,
    // Let the warm-up's last queries finish before zeroing, so the count covers the measured
    // part alone: its sent requests, including those the gateway completes after the load stops.
    beforeMeasuring: async () => {
      await settledCounts(sandbox);
      await sandbox.resetRequests();
    },
  });
  const stripeCalls = await settledCounts(sandbox);
  const baselineServer = await startBaselineServer(customer.answer);
  try {
    progress(`${label}: loading the baseline`);
    const baseline = await runLoad({ ...settings, url: baselineServer.graphqlUrl });
    return {
      customer: customer.shape,
      gateway,
      baseline,
      gatewayStripeCallsPerQuery: ratio(stripeCalls.total, gateway.sent),
      ratios: {
        throughput: ratio(gateway.throughputRps, baseline.throughputRps),
        p50: ratio(gateway.latencyMs.p50, baseline.latencyMs.p50),
        p99: ratio(gateway.latencyMs.p99, baseline.latencyMs.p99),
      },
    };
  } finally {
    await baselineServer.close();
  }
}

/**
 * The live-events section alone (BENCH_ONLY=live): its own built sandbox, gateways and baseline,
 * figures in bench/results/live.json. Needs `npm run build` (`npm run bench` runs it).
 */
async function liveOnly(): Promise<void> {
  const live = await runLiveSection(
    liveOptions,
    { connections: options.connections, warmupSeconds: options.warmupSeconds },
    progress,
  );
  await writeFile(LIVE_RESULTS, `${JSON.stringify(live, null, 2)}\n`);
  process.stdout.write(`${formatLiveReport(live)}\n`);
  progress(`figures written to ${LIVE_RESULTS}`);
}

/**
 * The burst section (BENCH_ONLY=burst; not part of the full run): the live section's ws layout
 * with the gateway at its default Stripe limit, bursts of one lifecycle webhook per customer each
 * from an idle Stripe budget (see readBurstOptions); figures in bench/results/burst.json.
 */
async function burstOnly(): Promise<void> {
  const burst = await runLiveSection(
    readBurstOptions(),
    { connections: options.connections, warmupSeconds: options.warmupSeconds },
    progress,
  );
  await writeFile(BURST_RESULTS, `${JSON.stringify(burst, null, 2)}\n`);
  process.stdout.write(`${formatBurstReport(burst)}\n`);
  progress(`figures written to ${BURST_RESULTS}`);
}

/** The lean-path section alone (BENCH_ONLY=lean): quick to re-run after a change to the request path. */
async function leanOnly(): Promise<void> {
  const lean = await runLeanSection(readLeanOptions(options), progress);
  await writeFile(LEAN_RESULTS, `${JSON.stringify(lean, null, 2)}\n`);
  process.stdout.write(`${formatLean(lean)}\n`);
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  progress("pricing the adversarial fragment fan-out and the dashboard query");
  const pricing = runPricingSection();
  progress("timing the sandbox's seeding of benchmark accounts");
  const seeding = measureSandboxSeed();
  const stack = await startGatewayStack();
  try {
    const naive = await startNaiveServer(stack.config, stack.sandbox.url);
    let calls: Awaited<ReturnType<typeof compareStripeCalls>>;
    try {
      calls = await compareStripeCalls(stack, naive.graphqlUrl);
    } finally {
      await naive.close();
    }
    const load: LoadComparison[] = [];
    for (const customer of calls.customers) load.push(await compareUnderLoad(stack, customer));
    const readModel = await runReadModelSection(options, progress);
    const eventCalls = await runEventCallsSection(progress);
    const lean: LeanResults = await runLeanSection(readLeanOptions(options), progress);
    const live = await runLiveSection(
      liveOptions,
      { connections: options.connections, warmupSeconds: options.warmupSeconds },
      progress,
    );
    const cpu = cpus();
    const results: BenchResults = {
      version: 5,
      startedAt,
      environment: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? "unknown",
      },
      settings: {
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        query: DASHBOARD_QUERY,
      },
      stripeCalls: calls.rows,
      load,
      readModel,
      eventCalls,
      lean,
      live,
      pricing,
    };
    await writeResults(options.resultsFile, results);
    process.stdout.write(`${formatReport(results)}\n`);
    process.stdout.write(`${formatSandboxSeed(seeding)}\n`);
    // Production posture (limiter burst, 200-client load, SIGTERM under load): its own stacks.
    const production = await runProductionSection(readProductionOptions(), progress);
    await writeFile(PRODUCTION_RESULTS, `${JSON.stringify(production, null, 2)}\n`);
    process.stdout.write(`\n${formatProduction(production)}\n`);
    // Hostile load (issue 20): the built gateway under each flood of the second review.
    await hostileOnly(progress);
    // Document analysis (issue 20): the costliest documents the limits admit, parsed and validated.
    process.stdout.write(`\n${formatAnalysis(runAnalysisSection())}\n`);
    progress(`figures written to ${options.resultsFile}`);
  } finally {
    await stack.close();
  }
}

if (process.env.BENCH_ONLY === "lean") await leanOnly();
else if (process.env.BENCH_ONLY === "live") await liveOnly();
else if (process.env.BENCH_ONLY === "burst") await burstOnly();
else if (process.env.BENCH_ONLY === "hostile") await hostileOnly(progress);
else if (process.env.BENCH_ONLY === "analysis")
  process.stdout.write(`${formatAnalysis(runAnalysisSection())}\n`);
else if (process.env.BENCH_ONLY === "event-calls") await import("./read-model/event-calls-main.js");
else await main();
