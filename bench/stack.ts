import { signToken } from "../src/auth/sign-token.js";
import { type GatewayConfig, loadConfig } from "../src/config/config.js";
import { createLogger } from "../src/observability/logger.js";
import { type SandboxHandle, startSandbox } from "../src/sandbox/server.js";
import { type GatewayHandle, startGateway } from "../src/server/gateway.js";

/** The real gateway over a sandbox, both on ephemeral ports, as the bench measures it. */
export interface GatewayStack {
  config: GatewayConfig;
  sandbox: SandboxHandle;
  gateway: GatewayHandle;
  /** The gateway's GraphQL endpoint. */
  graphqlUrl: string;
  /** Request headers that make `customerId` the viewer: JSON, and a bearer token for it. */
  headersFor(customerId: string): Promise<Record<string, string>>;
  /** Closes the gateway, then the sandbox. */
  close(): Promise<void>;
}

/**
 * The gateway's configuration in the bench: defaults (dev auth secret, preview API version,
 * concurrency cap), except that the Stripe rate limiter and the per-tenant cost budget are
 * lifted (the bench measures the data path, not quotas), stripe-node's network retries are off
 * so the sandbox's request counter is exact, and logging is silent so it costs nothing under load.
 */
export const benchConfig = (): GatewayConfig =>
  loadConfig({
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "silent",
    // The local sandbox has no quota: a limiter at Stripe's 25/s would measure the limiter.
    STRIPE_RATE_LIMIT_PER_SECOND: "10000",
    RATE_LIMIT_COST_PER_MINUTE: "100000000",
    // The bench reads Stripe with refresh: true on purpose: the refresh budget must not refuse it.
    RATE_LIMIT_REFRESHES_PER_MINUTE: "1000000",
  });

/**
 * Starts a sandbox (no seed data, no webhook delivery) and the gateway pointed at it. Rejects if
 * either fails to start, leaving nothing running.
 */
export async function startGatewayStack(): Promise<GatewayStack> {
  const config = benchConfig();
  const sandbox = await startSandbox({ port: 0 });
  try {
    const gateway = await startGateway({
      config,
      logger: createLogger("silent"),
      stripeApiBase: sandbox.url,
      port: 0,
    });
    return {
      config,
      sandbox,
      gateway,
      graphqlUrl: `${gateway.url}/graphql`,
      headersFor: async (customerId) => ({
        "content-type": "application/json",
        // Long enough to outlive any bench run.
        authorization: `Bearer ${await signToken(config.auth, { customerId, ttlSeconds: 3600 })}`,
      }),
      close: async () => {
        await gateway.close();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
