import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { LoadFigures } from "./load.js";
import type { CustomerShape } from "./options.js";
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

/** Everything one bench run measured: the shape of bench/results/latest.json (version 1). */
export interface BenchResults {
  version: 1;
  startedAt: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string };
  settings: { connections: number; durationSeconds: number; warmupSeconds: number; query: string };
  stripeCalls: CallsComparison[];
  load: LoadComparison[];
}

/** a / b, or null when b is 0 (JSON has no Infinity). */
export const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

const fixed = (value: number | null, digits: number): string =>
  value === null ? "n/a" : value.toFixed(digits);
const times = (value: number | null): string => (value === null ? "n/a" : `${value.toFixed(2)}x`);

/** Renders rows as a plain-text table: first column left-aligned, the others right-aligned. */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
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
  ].join("\n");
}

/** Writes the results as pretty JSON to `file`, creating its folder when missing. */
export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}
