import { ACCOUNT_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { settledCounts } from "../calls.js";
import { ratio } from "../format.js";
import type { LoadFigures } from "../load.js";
import type { SandboxControl } from "../sandbox-control.js";
import { startBaselineWebhook } from "./baseline-http.js";
import type { DeactivatedCustomer } from "./bench-customers.js";
import type { LiveGateway } from "./built-live.js";
import { measureIngestion } from "./ingestion.js";
import { EVENT_ID_PLACEHOLDER, stripeEventPayload } from "./stripe-events.js";

/**
 * A non-lifecycle event type: the read model stores its object (the payload when it is complete
 * and newer than the stored state, else the stored state stands or is re-read), nothing is
 * published.
 */
export const STORED_EVENT_TYPE = ACCOUNT_EVENT_TYPES.refreshedBalance;

/**
 * Signed webhook deliveries per second: the gateway's two paths against the bare verifier. In
 * these LoadFigures, `graphqlErrors` counts 2xx answers that were not `{"received": true}`.
 */
export interface IngestionComparison {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** `…account.deactivated` of a deactivated account: verify, dedupe, re-read, publish. */
  handled: LoadFigures;
  /** STORED_EVENT_TYPE: verify, dedupe, store the account in the read model (no publish). */
  stored: LoadFigures;
  /** node:http + `stripe.webhooks.constructEvent` only. */
  baseline: LoadFigures;
  /**
   * Sandbox `/v1` requests per acknowledged handled delivery: at most 1 (the re-read); every
   * delivery is about the same account, so concurrent ones share a re-read and it shows below 1.
   */
  handledStripeCallsPerEvent: number | null;
  /** Sandbox `/v1` requests per stored delivery (0 when the payload or the stored state does). */
  storedStripeCallsPerEvent: number | null;
  /** gateway / baseline for each path. */
  ratios: {
    handled: { throughput: number | null; p50: number | null; p99: number | null };
    stored: { throughput: number | null; p50: number | null; p99: number | null };
  };
}

/** Settings shared by the three runs. */
export interface IngestionSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

const ratiosOf = (gateway: LoadFigures, baseline: LoadFigures) => ({
  throughput: ratio(gateway.throughputRps, baseline.throughputRps),
  p50: ratio(gateway.latencyMs.p50, baseline.latencyMs.p50),
  p99: ratio(gateway.latencyMs.p99, baseline.latencyMs.p99),
});

/**
 * Loads the gateway's webhook endpoint with distinct signed events about `customer`'s
 * deactivated account (handled), then with an event type it only stores in the read model (no
 * publish), then a bare endpoint that
 * only verifies signatures, all with the same settings and the same payload size.
 */
export async function compareIngestion(
  live: LiveGateway,
  sandbox: SandboxControl,
  customer: DeactivatedCustomer,
  settings: IngestionSettings,
  progress: (message: string) => void,
): Promise<IngestionComparison> {
  const template = (type: string) =>
    stripeEventPayload(type, customer.account, EVENT_ID_PLACEHOLDER);
  const common = { ...settings, secret: live.webhookSecret };
  progress("live: webhook ingestion, gateway, handled events");
  const handled = await measureIngestion({
    ...common,
    url: live.webhookUrl,
    template: template(ACCOUNT_EVENT_TYPES.deactivated),
    beforeMeasuring: async () => {
      await settledCounts(sandbox);
      await sandbox.resetRequests();
    },
  });
  const stripeCalls = await settledCounts(sandbox);
  progress("live: webhook ingestion, gateway, stored events");
  const stored = await measureIngestion({
    ...common,
    url: live.webhookUrl,
    template: template(STORED_EVENT_TYPE),
    beforeMeasuring: async () => {
      await settledCounts(sandbox);
      await sandbox.resetRequests();
    },
  });
  const storedStripeCalls = await settledCounts(sandbox);
  const server = await startBaselineWebhook(live.webhookSecret);
  try {
    progress("live: webhook ingestion, baseline");
    const baseline = await measureIngestion({
      ...common,
      url: server.url,
      template: template(ACCOUNT_EVENT_TYPES.deactivated),
    });
    return {
      ...settings,
      handled,
      stored,
      baseline,
      handledStripeCallsPerEvent: ratio(stripeCalls.total, handled.sent),
      storedStripeCallsPerEvent: ratio(storedStripeCalls.total, stored.sent),
      ratios: { handled: ratiosOf(handled, baseline), stored: ratiosOf(stored, baseline) },
    };
  } finally {
    await server.close();
  }
}
