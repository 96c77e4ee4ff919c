import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { boundedText } from "./bounded-text.js";

/** Where the gauges read their current values, set once the gateway's parts exist. */
export interface GaugeSources {
  liveSubscriptions: () => number;
  sockets: () => number;
  /** Open SSE and multipart subscription streams. */
  streams: () => number;
  stripeQueued: () => number;
}

/** Most distinct operation names kept as label values; later ones count as "other". */
const MAX_OPERATION_NAMES = 200;

/** The name label of operations sent without a valid viewer (no token, a bad one). */
export const UNAUTHENTICATED_OPERATION = "unauthenticated";
/** The name label of an authenticated viewer's operations that never ran: unparsable, invalid, over a limit, refused. */
export const INVALID_OPERATION = "invalid";

/** What the name label of one operation is decided from. */
export interface OperationLabelInput {
  /** The client's operation name, if any. */
  name: string | null | undefined;
  /** A verified viewer sent it. */
  authenticated: boolean;
  /** It parsed, validated, passed every limit and cost admission, and ran. */
  executed: boolean;
}

/**
 * One gateway's Prometheus metrics, in a Registry of its own (never prom-client's global one), so
 * several gateways in one process (tests, the bench) keep separate counts. Names are prefixed
 * `fc_gateway_`; label values are bounded (routes are templates; operation names come only from
 * operations that passed authentication and validation, are cut at 100 characters, and are capped
 * in number).
 */
export interface GatewayMetrics {
  registry: Registry;
  /** By type, name (see operationLabel) and transport (`http`, `ws`, `sse`, `multipart`). */
  operations: Counter<"type" | "name" | "transport">;
  /** By type and transport; a subscription's duration is its lifetime. */
  operationDuration: Histogram<"type" | "transport">;
  /** By the code the client saw, and transport. */
  errors: Counter<"code" | "transport">;
  stripeCalls: Counter<"route" | "status">;
  stripeLimiterWait: Histogram;
  loaderBatchSize: Histogram<"loader">;
  webhookReceived: Counter;
  /**
   * Read-model lookups by kind and outcome (hit, miss, stale: served and revalidated, error).
   * Counted through `countLookup`; read it as any counter (what was counted is added when read).
   */
  readModelLookups: Counter<"kind" | "outcome">;
  /**
   * Counts one read-model lookup. Several per answer on a warm dashboard: tallied by label pair in
   * the process and added to `readModelLookups` when the registry is read (a scrape), so a lookup
   * costs an increment, not a label hash.
   */
  countLookup(kind: string, outcome: string): void;
  /** Background revalidations of stale read-model objects, by kind. */
  readModelRevalidations: Counter<"kind">;
  /** Seconds between now and the newest event the last catch-up sweep reached (its cursor). */
  eventSweepLag: Gauge;
  webhookOutcomes: Counter<"outcome">;
  /**
   * Document texts the analysis stage parsed (`parsed`), or refused again from memory without
   * parsing them (`refusal_recalled`: src/pipeline/refused-documents.ts).
   */
  documentAnalyses: Counter<"outcome">;
  /**
   * The operation-name label: "unauthenticated" without a viewer, "invalid" when the operation
   * never ran; else its name (over 100 characters: the first 100 and "…"), "anonymous" when it
   * has none, or "other" once MAX_OPERATION_NAMES distinct names are taken. So clients can only
   * fill the name slots with operations their verified token was allowed to run.
   */
  operationLabel(operation: OperationLabelInput): string;
  /** Points the gauges at the live values (subscriptions, sockets, streams, limiter queue). */
  setGaugeSources(sources: Partial<GaugeSources>): void;
}

/** Creates a fresh registry with every gateway metric registered in it. */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  const sources: GaugeSources = {
    liveSubscriptions: () => 0,
    sockets: () => 0,
    streams: () => 0,
    stripeQueued: () => 0,
  };
  /** Lookups counted since the counter was last read, by kind and outcome (see countLookup). */
  const lookupTallies = new Map<
    string,
    Map<string, { labels: { kind: string; outcome: string }; count: number }>
  >();
  const readModelLookups: Counter<"kind" | "outcome"> = new Counter({
    name: "fc_gateway_read_model_lookups_total",
    help: "Read-model lookups by kind and outcome: hit, miss (loaded from Stripe), stale (served, revalidated in the background), error (store unreachable: read from Stripe).",
    labelNames: ["kind", "outcome"],
    registers,
    collect() {
      for (const byOutcome of lookupTallies.values())
        for (const tally of byOutcome.values()) {
          if (tally.count === 0) continue;
          this.inc(tally.labels, tally.count);
          tally.count = 0;
        }
    },
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge(
    "fc_gateway_live_subscriptions",
    "Subscriptions to account events held by this process.",
    () => sources.liveSubscriptions(),
  );
  gauge("fc_gateway_websocket_sockets", "Open graphql-ws sockets.", () => sources.sockets());
  gauge(
    "fc_gateway_subscription_streams",
    "Open HTTP streams (graphql-sse, multipart subscriptions).",
    () => sources.streams(),
  );
  gauge("fc_gateway_stripe_limiter_queued", "Stripe calls waiting for the rate limiter.", () =>
    sources.stripeQueued(),
  );
  const names = new Set<string>();
  return {
    registry,
    operations: new Counter({
      name: "fc_gateway_graphql_operations_total",
      help: "GraphQL operations answered, by type, operation name and transport (http, ws, sse, multipart).",
      labelNames: ["type", "name", "transport"],
      registers,
    }),
    operationDuration: new Histogram({
      name: "fc_gateway_graphql_operation_duration_seconds",
      help: "Time from request to last answer of GraphQL operations (a subscription: its lifetime), by type and transport.",
      labelNames: ["type", "transport"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    errors: new Counter({
      name: "fc_gateway_graphql_errors_total",
      help: "GraphQL errors answered, by extensions.code and transport.",
      labelNames: ["code", "transport"],
      registers,
    }),
    stripeCalls: new Counter({
      name: "fc_gateway_stripe_calls_total",
      help: "Stripe API attempts, by route template and HTTP status ('network' when none came back).",
      labelNames: ["route", "status"],
      registers,
    }),
    stripeLimiterWait: new Histogram({
      name: "fc_gateway_stripe_limiter_wait_seconds",
      help: "Time Stripe calls waited for the client-side rate limiter.",
      buckets: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    loaderBatchSize: new Histogram({
      name: "fc_gateway_dataloader_batch_size",
      help: "Distinct keys per DataLoader batch, by loader.",
      labelNames: ["loader"],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
    readModelLookups,
    countLookup: (kind, outcome) => {
      let byOutcome = lookupTallies.get(kind);
      if (byOutcome === undefined) {
        byOutcome = new Map();
        lookupTallies.set(kind, byOutcome);
      }
      const tally = byOutcome.get(outcome);
      if (tally === undefined) byOutcome.set(outcome, { labels: { kind, outcome }, count: 1 });
      else tally.count += 1;
    },
    readModelRevalidations: new Counter({
      name: "fc_gateway_read_model_revalidations_total",
      help: "Background revalidations of read-model objects older than READ_MODEL_MAX_AGE_S, by kind.",
      labelNames: ["kind"],
      registers,
    }),
    eventSweepLag: new Gauge({
      name: "fc_gateway_event_sweep_lag_seconds",
      help: "Seconds between the last catch-up sweep of Stripe's Events API and the newest event it had applied.",
      registers,
    }),
    webhookReceived: new Counter({
      name: "fc_gateway_webhook_events_received_total",
      help: "Deliveries to /webhooks/stripe, whatever became of them.",
      registers,
    }),
    webhookOutcomes: new Counter({
      name: "fc_gateway_webhook_events_total",
      help: "Webhook deliveries by outcome: published, duplicate, ignored, stale, missing (the account is gone from Stripe; acknowledged), in_progress, rejected (bad signature or body), failed (5xx).",
      labelNames: ["outcome"],
      registers,
    }),
    documentAnalyses: new Counter({
      name: "fc_gateway_document_analyses_total",
      help: "Document texts analysed before validation, by outcome: parsed, or refusal_recalled (a text refused before, refused again without parsing).",
      labelNames: ["outcome"],
      registers,
    }),
    operationLabel: ({ name: given, authenticated, executed }) => {
      if (!authenticated) return UNAUTHENTICATED_OPERATION;
      if (!executed) return INVALID_OPERATION;
      const name = boundedText(given);
      if (!name) return "anonymous";
      if (names.has(name)) return name;
      if (names.size >= MAX_OPERATION_NAMES) return "other";
      names.add(name);
      return name;
    },
    setGaugeSources: (next) => {
      Object.assign(sources, next);
    },
  };
}
