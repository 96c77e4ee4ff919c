import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { startSandbox } from "../../src/sandbox/server.js";
import { type GatewayHandle, startGateway } from "../../src/server/gateway.js";
import {
  type RateLimitedUpstream,
  startRateLimitedUpstream,
} from "../../test/support/rate-limited-upstream.js";
import { sandboxControl } from "../sandbox-control.js";

/** A sandbox behind a proxy that answers 429 like Stripe over `upstreamLimit`, and a gateway. */
export interface LimitedStack {
  gateway: GatewayHandle;
  upstream: RateLimitedUpstream;
  sandboxUrl: string;
  graphqlUrl: string;
  /** Headers naming a fresh 10-account / 3-authorization customer as the viewer. */
  headers: Record<string, string>;
  /** Request headers (JSON, bearer token) for another customer of the sandbox. */
  headersFor(customerId: string): Promise<Record<string, string>>;
  /** Closes gateway (again, if a shutdown already did), proxy and sandbox, each whatever failed. */
  close(): Promise<void>;
}

/**
 * Starts sandbox, rate-limited proxy (emulating Stripe's limit of `upstreamLimit` per second) and
 * a gateway with `env` on top of the bench defaults (silent logs, no stripe-node retries, the
 * per-tenant cost budget lifted so only the Stripe limiter shapes the traffic).
 */
export async function startLimitedStack(
  upstreamLimit: number,
  env: Record<string, string>,
): Promise<LimitedStack> {
  const sandbox = await startSandbox({ port: 0 });
  const upstream = await startRateLimitedUpstream(sandbox.url, upstreamLimit);
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "silent",
    RATE_LIMIT_COST_PER_MINUTE: "100000000",
    // The bench reads Stripe with refresh: true on purpose: the refresh budget must not refuse it.
    RATE_LIMIT_REFRESHES_PER_MINUTE: "1000000",
    ...env,
  });
  const gateway = await startGateway({
    config,
    logger: createLogger("silent"),
    stripeApiBase: upstream.url,
    port: 0,
  });
  const customer = await sandboxControl(sandbox.url).createCustomer(10, 3);
  const token = await signToken(config.auth, { customerId: customer.id, ttlSeconds: 3600 });
  const headersFor = async (customerId: string) => ({
    "content-type": "application/json",
    authorization: `Bearer ${await signToken(config.auth, { customerId, ttlSeconds: 3600 })}`,
  });
  return {
    headersFor,
    gateway,
    upstream,
    sandboxUrl: sandbox.url,
    graphqlUrl: `${gateway.url}/graphql`,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    // Every part is closed even when an earlier one fails: one left listening keeps the bench's
    // process alive after its last figure.
    close: async () => {
      try {
        await gateway.close();
      } finally {
        try {
          await upstream.close();
        } finally {
          await sandbox.close();
        }
      }
    },
  };
}
