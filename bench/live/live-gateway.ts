import { signToken } from "../../src/auth/sign-token.js";
import { type GatewayConfig, loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { type GatewayHandle, startGateway } from "../../src/server/gateway.js";

/**
 * The gateway's client-side Stripe rate limit in the live section, far above what the sandbox
 * is asked: by default the gateway paces its Stripe calls to Stripe's test-mode limit (25/s,
 * bursts of 5), which would cap handled webhooks at about 25 a second and make a round of 10
 * webhooks queue for its re-reads, so the figures would show the limiter's setting rather than
 * the gateway's own cost. Passed as STRIPE_RATE_LIMIT_PER_SECOND.
 */
export const LIVE_STRIPE_RATE_LIMIT_PER_SECOND = 10_000;

/** A gateway instance of the live-events section, next to the bench's main one. */
export interface LiveGateway {
  config: GatewayConfig;
  handle: GatewayHandle;
  /** ws:// URL of its graphql-ws endpoint. */
  wsUrl: string;
  /** Its Stripe webhook endpoint. */
  webhookUrl: string;
  /** The secret its webhook endpoint accepts. */
  webhookSecret: string;
  /** graphql-ws `connectionParams` that sign a socket in as `customerId`. */
  connectionParamsFor(customerId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Starts a gateway on the bench's sandbox with the bench's settings (no Stripe retries, silent
 * logs), except that a customer may open `socketsPerCustomer` sockets (the default cap, 10, is a
 * per-customer abuse limit, and the bench wants many sockets on few customers) and that the
 * Stripe rate limit is LIVE_STRIPE_RATE_LIMIT_PER_SECOND. Rejects if it fails to start.
 */
export async function startLiveGateway(
  sandboxUrl: string,
  socketsPerCustomer: number,
): Promise<LiveGateway> {
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "silent",
    WS_MAX_SOCKETS_PER_CUSTOMER: String(Math.max(10, socketsPerCustomer)),
    STRIPE_RATE_LIMIT_PER_SECOND: String(LIVE_STRIPE_RATE_LIMIT_PER_SECOND),
  });
  const handle = await startGateway({
    config,
    logger: createLogger("silent"),
    stripeApiBase: sandboxUrl,
    port: 0,
  });
  const webhookSecret = config.webhookSecrets[0];
  if (webhookSecret === undefined) {
    await handle.close();
    throw new Error("the gateway accepts no webhook secret");
  }
  return {
    config,
    handle,
    wsUrl: `${handle.url.replace(/^http/, "ws")}/graphql`,
    webhookUrl: `${handle.url}/webhooks/stripe`,
    webhookSecret,
    connectionParamsFor: async (customerId) => ({
      // Long enough to outlive any bench run.
      authorization: `Bearer ${await signToken(config.auth, { customerId, ttlSeconds: 3600 })}`,
    }),
    close: () => handle.close(),
  };
}
