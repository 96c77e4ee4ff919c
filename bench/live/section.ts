import { sandboxControl } from "../sandbox-control.js";
import { deactivatedCustomers } from "./bench-customers.js";
import { compareFanout, type FanoutComparison } from "./fanout-comparison.js";
import { compareIngestion, type IngestionComparison } from "./ingestion-comparison.js";
import { LIVE_STRIPE_RATE_LIMIT_PER_SECOND, startLiveGateway } from "./live-gateway.js";
import type { LiveOptions } from "./options.js";

/** Figures of the live-events section: the `live` part of bench/results/latest.json. */
export interface LiveResults {
  /** What the section's gateway was configured with, beyond the bench's defaults. */
  gateway: { maxSocketsPerCustomer: number; stripeRateLimitPerSecond: number };
  fanout: FanoutComparison;
  ingestion: IngestionComparison;
}

/**
 * The live-events section: starts its own gateway on the bench's sandbox (with a socket cap
 * that fits the layout), measures webhook-to-subscriber fan-out, then webhook ingestion, each
 * against its bare baseline, and closes everything it started whatever happened.
 */
export async function runLiveSection(
  sandboxUrl: string,
  options: LiveOptions,
  ingestion: { connections: number; warmupSeconds: number },
  progress: (message: string) => void,
): Promise<LiveResults> {
  const socketsPerCustomer = options.subscribers / options.customers;
  const sandbox = sandboxControl(sandboxUrl);
  // One more customer than subscribers need: the ingestion runs' subject, with no subscriber.
  const customers = await deactivatedCustomers(sandbox, sandboxUrl, options.customers + 1);
  const ingestionSubject = customers.pop();
  if (ingestionSubject === undefined) throw new Error("no customer for the ingestion runs");
  const live = await startLiveGateway(sandboxUrl, socketsPerCustomer);
  try {
    const fanout = await compareFanout(
      live,
      sandbox,
      customers,
      socketsPerCustomer,
      options.rounds,
      progress,
    );
    const ingestionFigures = await compareIngestion(
      live,
      sandbox,
      ingestionSubject,
      { ...ingestion, durationSeconds: options.ingestionSeconds },
      progress,
    );
    return {
      gateway: {
        maxSocketsPerCustomer: live.config.websocket.maxSocketsPerCustomer,
        stripeRateLimitPerSecond: LIVE_STRIPE_RATE_LIMIT_PER_SECOND,
      },
      fanout,
      ingestion: ingestionFigures,
    };
  } finally {
    await live.close();
  }
}
