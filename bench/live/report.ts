import { fixed, table, times } from "../format.js";
import type { LoadFigures } from "../load.js";
import type { FanoutComparison, TargetFigures } from "./fanout-comparison.js";
import { STORED_EVENT_TYPE } from "./ingestion-comparison.js";
import type { LiveResults } from "./section.js";

const fanoutRow = (target: string, figures: TargetFigures): string[] => [
  target,
  String(figures.fanout.deliveries),
  String(figures.fanout.missed),
  fixed(figures.fanout.latencyMs.p50, 1),
  fixed(figures.fanout.latencyMs.p99, 1),
  fixed(figures.fanout.lastReceiptMs.p50, 1),
  fixed(figures.fanout.lastReceiptMs.max, 1),
  fixed(figures.cost.perSubscriptionIdleKb.heap, 1),
  fixed(figures.cost.perSubscriptionIdleKb.rss, 1),
  fixed(figures.cost.perSubscriptionAfterEventsKb.heap, 1),
  fixed(figures.cost.perSubscriptionAfterEventsKb.rss, 1),
  fixed(figures.cost.cpuMicrosPerDelivery, 0),
];

/** The issue's goals (issue 23 section 1), each "met" or "MISSED". */
function goals(comparison: FanoutComparison): string {
  const check = (value: number | null, met: (value: number) => boolean) =>
    value === null ? "n/a" : met(value) ? "met" : "MISSED";
  const heap = comparison.gateway.cost.perSubscriptionIdleKb.heap;
  return `  goals: p99 <= 1.5x ${check(comparison.ratios.p99, (v) => v <= 1.5)}, CPU per message <= 1.5x ${check(comparison.ratios.cpuPerDelivery, (v) => v <= 1.5)}, heap per idle subscription < 25 KB ${check(heap, (v) => v < 25)} (${fixed(heap, 1)} KB)`;
}

/** Issue 23 section 0's goal for a burst at the default Stripe limit. */
function burstGoal(comparison: FanoutComparison): string {
  const p99 = comparison.ratios.p99;
  return `  goal: p99 <= 2x the bare broadcast ${p99 === null ? "n/a" : p99 <= 2 ? "met" : "MISSED"}`;
}

function formatFanout(
  comparison: FanoutComparison,
  goalLine: (comparison: FanoutComparison) => string = goals,
): string {
  const { gateway, baseline, ratios } = comparison;
  const rows = [
    fanoutRow(
      `gateway${comparison.instances > 1 ? ` (${comparison.instances} instances)` : ""}`,
      gateway,
    ),
    fanoutRow(`baseline${comparison.baselineShared ? " (the ws run's)" : ""}`, baseline),
    [
      "gateway / baseline",
      "",
      "",
      times(ratios.p50),
      times(ratios.p99),
      times(ratios.lastReceiptP50),
      times(ratios.lastReceiptMax),
      times(ratios.heapPerIdleSubscription),
      "",
      "",
      "",
      times(ratios.cpuPerDelivery),
    ],
  ];
  const errors = `subscription errors: gateway ${gateway.errors}, baseline ${baseline.errors}; late receipts ${gateway.late + baseline.late}${gateway.firstError || baseline.firstError ? ` (first error: ${gateway.firstError || baseline.firstError})` : ""}`;
  return [
    `${comparison.label}: ${comparison.subscribers} subscribers (${comparison.customers} customers x ${comparison.subscribersPerCustomer}), ${gateway.fanout.rounds} rounds of one event per customer`,
    table(
      [
        "target",
        "deliveries",
        "missed",
        "p50 ms",
        "p99 ms",
        "last p50 ms",
        "last max ms",
        "heap KB/sub idle",
        "RSS KB/sub idle",
        "heap KB/sub after",
        "RSS KB/sub after",
        "CPU us/msg",
      ],
      rows,
    ),
    goalLine(comparison),
    `  ${fixed(comparison.gatewayStripeCallsPerEvent, 2)} Stripe calls per webhook (Stripe limit ${comparison.gatewayStripeRateLimitPerSecond}/s); ${errors}; memory "after" read after ${gateway.cost.eventsBeforeAfterReading} events${comparison.profileFile ? `; CPU profile: ${comparison.profileFile}` : ""}`,
  ].join("\n");
}

/**
 * The burst section's report (BENCH_ONLY=burst): the live section's ws comparison, with issue 23
 * section 0's goal (p99 at most 2x the bare broadcast) instead of section 1's.
 */
export function formatBurstReport(live: LiveResults): string {
  return [
    `Burst of lifecycle events: ${live.customers} webhooks at once (one per customer), each burst from an idle Stripe budget, to ${live.subscribers} subscribers, ${live.subscriberProcesses} subscriber processes per target`,
    "(built gateway, NODE_ENV=production, and the bare graphql-ws baseline each in its own process; clock from the webhook POST / the baseline's POST /publish to each receipt; last = to the event's last subscriber)",
    ...live.fanout.map((comparison) => formatFanout(comparison, burstGoal)),
  ].join("\n\n");
}

const ingestionRow = (target: string, figures: LoadFigures): string[] => [
  target,
  fixed(figures.throughputRps, 0),
  fixed(figures.latencyMs.p50, 0),
  fixed(figures.latencyMs.p99, 0),
  fixed(figures.latencyMs.mean, 1),
  String(figures.requests),
  String(figures.non2xx + figures.graphqlErrors + figures.errors),
];

/** The live-events part of the printed report. */
export function formatLiveReport(live: LiveResults): string {
  const { ingestion } = live;
  const fanout = [
    `Live events: webhook to subscriber, ${live.subscribers} subscribers over ${live.customers} customers, one subscription each, ${live.subscriberProcesses} subscriber processes per target (open-file limit ${live.openFileLimit ?? "unknown"})`,
    "(built gateway, NODE_ENV=production, and the bare baseline (graphql-ws / graphql-sse, in-memory pubsub, same message) each in its own process; clock from the webhook POST / the baseline's POST /publish to each receipt; last = to the event's last subscriber; memory per open subscription after a forced GC: idle, and after the rounds; CPU of the server process(es) over the measured rounds per delivered message)",
    ...live.fanout.map((comparison) => formatFanout(comparison)),
  ];
  if (ingestion === null) return fanout.join("\n\n");
  const ingestionTable = table(
    ["target", "req/s", "p50 ms", "p99 ms", "mean ms", "requests", "failed"],
    [
      ingestionRow("gateway: account.deactivated", ingestion.handled),
      ingestionRow(
        `gateway: ${STORED_EVENT_TYPE.split(".").pop() ?? ""} (stored)`,
        ingestion.stored,
      ),
      ingestionRow("baseline: constructEvent only", ingestion.baseline),
      [
        "deactivated / baseline",
        times(ingestion.ratios.handled.throughput),
        times(ingestion.ratios.handled.p50),
        times(ingestion.ratios.handled.p99),
        "",
        "",
        "",
      ],
      [
        "stored / baseline",
        times(ingestion.ratios.stored.throughput),
        times(ingestion.ratios.stored.p50),
        times(ingestion.ratios.stored.p99),
        "",
        "",
        "",
      ],
    ],
  );
  return [
    ...fanout,
    "",
    `Webhook ingestion: distinct signed events, ${ingestion.connections} connections, ${ingestion.durationSeconds} s measured after ${ingestion.warmupSeconds} s warm-up`,
    "(baseline = node:http + stripe.webhooks.constructEvent on the raw body, nothing else)",
    ingestionTable,
    `  Stripe calls per delivery: deactivated ${fixed(ingestion.handledStripeCallsPerEvent, 2)}, ${STORED_EVENT_TYPE.split(".").pop() ?? ""} ${fixed(ingestion.storedStripeCallsPerEvent, 2)}`,
  ].join("\n");
}
