import { type DocumentNode, parse } from "graphql";
import { estimateCost, type PricingWork } from "../../src/limits/estimate-cost.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { countTokens, fragmentFanOut } from "../../test/support/adversarial-documents.js";
import { fixed, ratio, times } from "../format.js";
import { DASHBOARD_QUERY } from "../query.js";

/** Levels of the adversarial document: issue 11 found 16 took 4.5 s and 20 would take minutes. */
const FAN_OUT_LEVELS = 20;
/** Pricings timed per document, after as many untimed ones to warm up. */
const PRICINGS = 2_000;

/** One document's pricing: its size, its price, the work and the time of one pricing. */
export interface PricedDocument {
  tokens: number;
  cost: number;
  /** Selections walked by one pricing (src/limits/estimate-cost.ts's `PricingWork.visits`). */
  visits: number;
  /** Mean microseconds of one pricing, over PRICINGS. */
  microseconds: number;
}

/** The pricing section: the adversarial fan-out against the dashboard query, in one run. */
export interface PricingResults {
  fanOutLevels: number;
  pricings: number;
  fanOut: PricedDocument;
  dashboard: PricedDocument;
  /** fanOut.microseconds / dashboard.microseconds. */
  fanOutOverDashboard: number | null;
}

function price(schema: ReturnType<typeof buildGatewaySchema>, query: string): PricedDocument {
  const document: DocumentNode = parse(query);
  const work: PricingWork = { pricings: 0, visits: 0 };
  const cost = estimateCost(schema, { document }, work);
  for (let i = 0; i < PRICINGS; i++) estimateCost(schema, { document });
  const started = performance.now();
  for (let i = 0; i < PRICINGS; i++) estimateCost(schema, { document });
  const microseconds = ((performance.now() - started) * 1000) / PRICINGS;
  return { tokens: countTokens(query), cost, visits: work.visits, microseconds };
}

/**
 * Prices issue 11's adversarial document (FAN_OUT_LEVELS fragments, each spreading the next
 * three times) and the dashboard query, in process, PRICINGS times each: the pricing's visits
 * stay within the document's tokens, and its time is reported against the dashboard's.
 */
export function runPricingSection(): PricingResults {
  const schema = buildGatewaySchema();
  const fanOut = price(schema, fragmentFanOut(FAN_OUT_LEVELS));
  const dashboard = price(schema, DASHBOARD_QUERY);
  return {
    fanOutLevels: FAN_OUT_LEVELS,
    pricings: PRICINGS,
    fanOut,
    dashboard,
    fanOutOverDashboard: ratio(fanOut.microseconds, dashboard.microseconds),
  };
}

/** The pricing part of the printed report. */
export function formatPricingReport(results: PricingResults): string {
  const line = (label: string, figures: PricedDocument) =>
    `  ${label}: ${figures.tokens} tokens, ${figures.visits} visits, cost ${figures.cost}, ${fixed(figures.microseconds, 1)} µs per pricing`;
  return [
    `Cost pricing, in process, ${results.pricings} pricings each`,
    line(`fragment fan-out (${results.fanOutLevels} levels of 3)`, results.fanOut),
    line("dashboard query", results.dashboard),
    `  fan-out / dashboard: ${times(results.fanOutOverDashboard)} the time`,
  ].join("\n");
}
