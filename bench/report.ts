import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fixed, table, times } from "./format.js";
import { formatLean, type LeanResults } from "./lean/section.js";
import { formatLiveReport } from "./live/report.js";
import type { LiveResults } from "./live/section.js";
import type { LoadFigures } from "./load.js";
import type { CustomerShape } from "./options.js";
import { formatPricingReport, type PricingResults } from "./pricing/section.js";
import { type EventCallsResults, formatEventCallsReport } from "./read-model/event-calls.js";
import { formatReadModelReport, type ReadModelResults } from "./read-model/section.js";
import type { RequestCounts } from "./sandbox-control.js";

/** Stripe calls of one dashboard query, gateway against the naive resolvers, for one customer. */
export interface CallsComparison {
  customer: CustomerShape;
  gateway: RequestCounts;
  naive: RequestCounts;
  /** naive.total / gateway.total: how many times fewer calls the gateway makes. */
  naiveOverGateway: number | null;
}

/** Gateway against the in-memory baseline under the same load, for one customer. */
export interface LoadComparison {
  customer: CustomerShape;
  gateway: LoadFigures;
  baseline: LoadFigures;
  /** Sandbox `/v1` requests caused by the gateway's measured run divided by the queries it sent. */
  gatewayStripeCallsPerQuery: number | null;
  /** gateway / baseline for each figure (null when the baseline figure is 0). */
  ratios: { throughput: number | null; p50: number | null; p99: number | null };
}

/**
 * Everything one bench run measured: the shape of bench/results/latest.json. Version 2 added
 * `live` (webhook-to-subscriber fan-out and webhook ingestion), version 3 `pricing` (the cost
 * pricing of an adversarial fragment fan-out against the dashboard's), version 4 `readModel` (warm
 * dashboard throughput at Stripe's test-mode limit, against pass-through reads and the bare
 * baseline) and `lean` (the pipeline floor and the warm dashboard against a bare Apollo
 * standalone), version 5 `eventCalls` (Stripe calls per lifecycle event, warm and cold, with
 * 20 subscribers); the rest is as in version 1.
 */
export interface BenchResults {
  version: 5;
  startedAt: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string };
  settings: { connections: number; durationSeconds: number; warmupSeconds: number; query: string };
  stripeCalls: CallsComparison[];
  load: LoadComparison[];
  readModel: ReadModelResults;
  eventCalls: EventCallsResults;
  lean: LeanResults;
  live: LiveResults;
  pricing: PricingResults;
}

const shape = ({ accounts, authorizations }: CustomerShape) =>
  `${accounts} accts / ${authorizations} auths`;

const loadRow = (customer: CustomerShape, target: string, figures: LoadFigures): string[] => [
  shape(customer),
  target,
  fixed(figures.throughputRps, 0),
  fixed(figures.latencyMs.p50, 0),
  fixed(figures.latencyMs.p99, 0),
  fixed(figures.latencyMs.mean, 1),
  String(figures.requests),
  String(figures.non2xx + figures.graphqlErrors + figures.errors),
];

/** The human-readable report of a run, as printed on stdout. */
export function formatReport(results: BenchResults): string {
  const { settings } = results;
  const calls = table(
    ["customer", "gateway", "naive", "naive / gateway"],
    results.stripeCalls.map((row) => [
      shape(row.customer),
      String(row.gateway.total),
      String(row.naive.total),
      times(row.naiveOverGateway),
    ]),
  );
  const load = table(
    ["customer", "target", "req/s", "p50 ms", "p99 ms", "mean ms", "requests", "failed"],
    results.load.flatMap((row) => [
      loadRow(row.customer, "gateway", row.gateway),
      loadRow(row.customer, "baseline", row.baseline),
      [
        shape(row.customer),
        "gateway / baseline",
        times(row.ratios.throughput),
        times(row.ratios.p50),
        times(row.ratios.p99),
        "",
        "",
        "",
      ],
    ]),
  );
  const perQuery = results.load
    .map(
      (row) =>
        `  ${shape(row.customer)}: ${fixed(row.gatewayStripeCallsPerQuery, 2)} Stripe calls per query`,
    )
    .join("\n");
  const { environment: env } = results;
  return [
    `fc-relink-gateway bench, ${results.startedAt} (Node ${env.node}, ${env.platform}, ${env.cpus} x ${env.cpuModel})`,
    "",
    "Stripe calls per dashboard query (sandbox request counter)",
    calls,
    "",
    `Load: dashboard query, ${settings.connections} connections, ${settings.durationSeconds} s measured after ${settings.warmupSeconds} s warm-up`,
    "(baseline = bare Apollo Server answering the same query from memory)",
    load,
    "",
    "Gateway under load, by the sandbox's counter:",
    perQuery,
    "",
    formatReadModelReport(results.readModel),
    "",
    formatEventCallsReport(results.eventCalls),
    "",
    formatLean(results.lean),
    "",
    formatLiveReport(results.live),
    "",
    formatPricingReport(results.pricing),
  ].join("\n");
}

/** Writes the results as pretty JSON to `file`, creating its folder when missing. */
export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}
