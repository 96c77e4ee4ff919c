import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { figuresOf, type LoadFigures } from "../load.js";
import { EVENT_ID_PLACEHOLDER } from "./stripe-events.js";

/** One webhook ingestion run: distinct signed deliveries of one event template, closed loop. */
export interface IngestionOptions {
  /** The webhook endpoint, on 127.0.0.1. */
  url: string;
  /** The event's JSON with EVENT_ID_PLACEHOLDER as its id. */
  template: string;
  /** The secret deliveries are signed with. */
  secret: string;
  connections: number;
  durationSeconds: number;
  /** Seconds of the same load first, not measured; 0 skips it. */
  warmupSeconds: number;
  /** Called after the warm-up, right before the measured part (e.g. to reset counters). */
  beforeMeasuring?: () => Promise<void>;
}

const SIGNED_WEBHOOK = fileURLToPath(new URL("./signed-webhook.cjs", import.meta.url));
const WEBHOOK_OK = fileURLToPath(new URL("./webhook-ok.cjs", import.meta.url));

/** Runs autocannon for `seconds`; rejects if autocannon fails to run. */
function fire(options: IngestionOptions, seconds: number): Promise<autocannon.Result> {
  const request = {
    method: "POST" as const,
    path: new URL(options.url).pathname,
    headers: { "content-type": "application/json" },
    body: options.template,
    // In workers mode autocannon wants module paths here, not the functions its types describe.
    setupRequest: SIGNED_WEBHOOK as unknown as autocannon.Request["setupRequest"],
    // Read and removed by signed-webhook.cjs; travels to the worker with the request template.
    signingSecret: options.secret,
  };
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    // The load generator gets its own thread, as in load.ts.
    workers: 1,
    requests: [request],
    verifyBody: WEBHOOK_OK as unknown as autocannon.Options["verifyBody"],
  });
}

/**
 * Warms the endpoint up, then measures how many signed deliveries per second it acknowledges at
 * a fixed concurrency, each with a new event id. Throws when the template has no id placeholder
 * (every delivery would be a duplicate); reports failures (non-2xx, unacknowledged) as figures.
 */
export async function measureIngestion(options: IngestionOptions): Promise<LoadFigures> {
  if (!options.template.includes(EVENT_ID_PLACEHOLDER)) {
    throw new Error(`the webhook template has no ${EVENT_ID_PLACEHOLDER} to replace`);
  }
  if (options.warmupSeconds > 0) await fire(options, options.warmupSeconds);
  await options.beforeMeasuring?.();
  return figuresOf(await fire(options, options.durationSeconds));
}
