import { fixed, table, times } from "../format.js";
import type { LoadFigures } from "../load.js";
import type { FanoutFigures } from "./fanout.js";
import { STORED_EVENT_TYPE } from "./ingestion-comparison.js";
import type { LiveResults } from "./section.js";

const fanoutRow = (target: string, figures: FanoutFigures): string[] => [
  target,
  String(figures.events),
  String(figures.deliveries),
  String(figures.missed),
  fixed(figures.latencyMs.p50, 1),
  fixed(figures.latencyMs.p99, 1),
  fixed(figures.latencyMs.mean, 1),
  fixed(figures.lastReceiptMs.p50, 1),
];

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
export function formatLiveReport({ gateway, fanout, ingestion }: LiveResults): string {
  const fanoutTable = table(
    ["target", "events", "deliveries", "missed", "p50 ms", "p99 ms", "mean ms", "all-reached p50"],
    [
      fanoutRow("gateway (webhook POST)", fanout.gateway),
      fanoutRow("baseline (publish)", fanout.baseline),
      [
        "gateway / baseline",
        "",
        "",
        "",
        times(fanout.ratios.p50),
        times(fanout.ratios.p99),
        "",
        times(fanout.ratios.lastReceiptP50),
      ],
    ],
  );
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
  const errors = fanout.clientErrors;
  return [
    `Live events: webhook to subscriber, ${fanout.subscribers} subscribers (${fanout.customers} customers x ${fanout.socketsPerCustomer} sockets, 1 subscription each), ${fanout.gateway.rounds} rounds of one event per customer`,
    "(baseline = bare graphql-ws server, in-memory pubsub, same message shape; clock from the webhook POST / the publish call to each receipt)",
    fanoutTable,
    `  gateway: ${fixed(fanout.gatewayStripeCallsPerEvent, 2)} Stripe calls per webhook; subscription errors: gateway ${errors.gateway}, baseline ${errors.baseline}; receipts after their round stopped waiting (warm-up included) ${errors.late}${errors.first ? ` (first error: ${errors.first})` : ""}`,
    `  (the section's gateway: up to ${gateway.maxSocketsPerCustomer} sockets per customer, Stripe rate limit ${gateway.stripeRateLimitPerSecond}/s)`,
    "",
    `Webhook ingestion: distinct signed events, ${ingestion.connections} connections, ${ingestion.durationSeconds} s measured after ${ingestion.warmupSeconds} s warm-up`,
    "(baseline = node:http + stripe.webhooks.constructEvent on the raw body, nothing else)",
    ingestionTable,
    `  Stripe calls per delivery: deactivated ${fixed(ingestion.handledStripeCallsPerEvent, 2)}, ${STORED_EVENT_TYPE.split(".").pop() ?? ""} ${fixed(ingestion.storedStripeCallsPerEvent, 2)}`,
  ].join("\n");
}
