import { ACCOUNT_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { settledCounts } from "../calls.js";
import { ratio } from "../format.js";
import type { SandboxControl } from "../sandbox-control.js";
import { startBaselineWs } from "./baseline-ws.js";
import type { DeactivatedCustomer } from "./bench-customers.js";
import { type FanoutFigures, type FanoutSettings, measureFanout } from "./fanout.js";
import type { LiveGateway } from "./live-gateway.js";
import { postWebhook, signatureFor, stripeEventPayload } from "./stripe-events.js";
import { openSubscriberPool, type SubscriberPool } from "./subscriber-pool.js";

/** The subscription every bench socket runs, on the gateway and on the baseline alike. */
export const FANOUT_SUBSCRIPTION =
  "subscription { accountDeactivated { eventId type occurredAt cause action account { id status } } }";

/** Webhook-to-subscriber latency on the gateway against the bare graphql-ws baseline. */
export interface FanoutComparison {
  customers: number;
  socketsPerCustomer: number;
  /** Subscribers of each target: customers x sockets, one subscription per socket. */
  subscribers: number;
  subscription: string;
  gateway: FanoutFigures;
  baseline: FanoutFigures;
  /** Sandbox `/v1` requests per webhook during the gateway's run (1 = the intake's re-read). */
  gatewayStripeCallsPerEvent: number | null;
  /**
   * Errors carried by subscription results (and the first one's message), and receipts that came
   * after their round stopped waiting, warm-up rounds included, both targets together.
   */
  clientErrors: { gateway: number; baseline: number; late: number; first: string };
  /** gateway / baseline. */
  ratios: { p50: number | null; p99: number | null; lastReceiptP50: number | null };
}

const FANOUT_SETTINGS: Omit<FanoutSettings, "rounds" | "idPrefix"> = {
  warmupRounds: 3,
  timeoutMs: 10_000,
};

/** Runs `measure` on an open pool, then closes the pool whatever happened. */
async function withPool<T>(
  pool: SubscriberPool,
  measure: () => Promise<T>,
): Promise<{ figures: T; errors: number; late: number; firstError: string }> {
  try {
    const figures = await measure();
    return { figures, ...(await pool.close()) };
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/**
 * Connects `socketsPerCustomer` sockets for each customer to the gateway and measures rounds of
 * signed `…account.deactivated` webhooks (one per customer per round, POSTed at once), from each
 * POST to each subscriber's `accountDeactivated` message. Then does the same against a bare
 * graphql-ws server, one topic per customer, from each in-process publish to each receipt.
 * Throws when a webhook is not published or a socket is refused.
 */
export async function compareFanout(
  live: LiveGateway,
  sandbox: SandboxControl,
  customers: DeactivatedCustomer[],
  socketsPerCustomer: number,
  rounds: number,
  progress: (message: string) => void,
): Promise<FanoutComparison> {
  const subscribers = customers.length * socketsPerCustomer;
  progress(`live: connecting ${subscribers} subscribers to the gateway`);
  const gatewayPool = await openSubscriberPool(
    live.wsUrl,
    FANOUT_SUBSCRIPTION,
    await Promise.all(
      customers.map(async (customer) => ({
        connectionParams: await live.connectionParamsFor(customer.customerId),
        sockets: socketsPerCustomer,
      })),
    ),
  );
  let webhooks = 0;
  await sandbox.resetRequests();
  const gateway = await withPool(gatewayPool, () => {
    progress(`live: ${rounds} rounds of ${customers.length} webhooks through the gateway`);
    return measureFanout(
      gatewayPool,
      {
        groups: customers.length,
        prepare: (group, eventId) => {
          const customer = customers[group];
          const type = ACCOUNT_EVENT_TYPES.deactivated;
          const payload = stripeEventPayload(type, customer?.account, eventId);
          const signature = signatureFor(payload, live.webhookSecret);
          return async () => {
            webhooks += 1;
            const answer = await postWebhook(live.webhookUrl, payload, signature);
            if (answer.status !== 200 || answer.outcome !== "published") {
              throw new Error(
                `gateway answered ${answer.status} "${answer.outcome}" to ${eventId}`,
              );
            }
          };
        },
      },
      { ...FANOUT_SETTINGS, rounds, idPrefix: "benchgw" },
    );
  });
  const stripeCalls = await settledCounts(sandbox);

  const server = await startBaselineWs();
  try {
    progress(`live: connecting ${subscribers} subscribers to the baseline`);
    const topic = (group: number) => `customer-${group}`;
    const baselinePool = await openSubscriberPool(
      server.url,
      FANOUT_SUBSCRIPTION,
      customers.map((_, group) => ({
        connectionParams: { topic: topic(group) },
        sockets: socketsPerCustomer,
      })),
    );
    const baseline = await withPool(baselinePool, () => {
      progress(`live: ${rounds} rounds of ${customers.length} publishes on the baseline`);
      return measureFanout(
        baselinePool,
        {
          groups: customers.length,
          prepare: (group, eventId) => {
            const event = {
              eventId,
              type: "DEACTIVATED",
              occurredAt: new Date().toISOString(),
              cause: "ACCESS_EXPIRED",
              action: "RELINK",
              account: { id: customers[group]?.accountId ?? "", status: "INACTIVE" },
            };
            return async () => server.publish(topic(group), event);
          },
        },
        { ...FANOUT_SETTINGS, rounds, idPrefix: "benchbl" },
      );
    });
    return {
      customers: customers.length,
      socketsPerCustomer,
      subscribers,
      subscription: FANOUT_SUBSCRIPTION,
      gateway: gateway.figures,
      baseline: baseline.figures,
      gatewayStripeCallsPerEvent: ratio(stripeCalls.total, webhooks),
      clientErrors: {
        gateway: gateway.errors,
        baseline: baseline.errors,
        late: gateway.late + baseline.late,
        first: gateway.firstError || baseline.firstError,
      },
      ratios: {
        p50: ratio(gateway.figures.latencyMs.p50, baseline.figures.latencyMs.p50),
        p99: ratio(gateway.figures.latencyMs.p99, baseline.figures.latencyMs.p99),
        lastReceiptP50: ratio(
          gateway.figures.lastReceiptMs.p50,
          baseline.figures.lastReceiptMs.p50,
        ),
      },
    };
  } finally {
    await server.close();
  }
}
