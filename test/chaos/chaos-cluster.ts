/**
 * What the chaos suite runs against: a Redis of its own (a free port, no persistence), the Stripe
 * sandbox, two gateway instances (each its own process, `tsx src/main.ts` in production posture)
 * sharing that Redis, a webhook load balancer in front of them (Stripe knows one endpoint URL),
 * customers with accounts, and the tokens to sign in as them.
 */
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/server.js";
import { type GatewayProcess, startGatewayProcess } from "../support/gateway-process.js";
import { type OwnRedis, startOwnRedis } from "../support/redis-server.js";
import { ControlApi, type SandboxCustomer } from "../support/sandbox-control.js";
import { startWebhookBalancer, type WebhookBalancer } from "../support/webhook-balancer.js";

const METRICS_TOKEN = "chaos-suite-metrics-token";

/** How the cluster is sized. */
export interface ClusterOptions {
  customers: number;
  accountsPerCustomer: number;
  /** Subscribers the instances must admit per customer (WS_MAX_SOCKETS_PER_CUSTOMER). */
  socketsPerCustomer: number;
}

/** The running cluster. */
export interface ChaosCluster {
  redis: OwnRedis;
  sandbox: SandboxHandle;
  control: ControlApi;
  balancer: WebhookBalancer;
  /** The instances; a killed one stays in its slot, not alive. */
  instances: GatewayProcess[];
  customers: SandboxCustomer[];
  /** The Redis key prefix the instances share. */
  prefix: string;
  authorizationFor(customerId: string): Promise<string>;
  /** The base URL of instance `index`, or undefined when it is not alive. */
  baseUrl(index: number): string | undefined;
  /** The first live instance's base URL. */
  liveUrl(): string;
  /** Subscriptions held by each live instance (its `fc_gateway_live_subscriptions`). */
  liveSubscriptions(): Promise<number[]>;
  close(): Promise<void>;
}

/** Starts everything; the instances are ready (Redis and the sandbox reachable) when it resolves. */
export async function startChaosCluster(options: ClusterOptions): Promise<ChaosCluster> {
  const redis = await startOwnRedis();
  const secrets = {
    STRIPE_WEBHOOK_SECRET: "whsec_chaosSuiteEndpointSecret01",
    AUTH_JWT_SECRET: "a-chaos-suite-secret-of-at-least-32-chars",
  };
  // Stripe retries a failed delivery for days; the sandbox's retries here span ~20 s, so faults
  // of a few seconds are outlasted by retries and longer ones left to the sweep.
  const sandbox = await startSandbox({
    port: 0,
    webhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
    webhookRetry: { maxAttempts: 12, baseDelayMs: 100, maxDelayMs: 2_000 },
  });
  const instances: GatewayProcess[] = [];
  const balancer = await startWebhookBalancer(() =>
    instances.filter((instance) => instance.alive()).map((instance) => instance.url),
  );
  sandbox.setWebhookUrls([`${balancer.url}/webhooks/stripe`]);
  const prefix = "chaos";
  const env: Record<string, string> = {
    ...secrets,
    NODE_ENV: "production",
    STRIPE_SECRET_KEY: "sk_test_chaosSuite01",
    STRIPE_API_BASE: sandbox.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    METRICS_TOKEN,
    LOG_LEVEL: "warn",
    // The suite measures faults, not the Stripe budget: lifecycle events re-read their account
    // (and its authorization), which at the test-mode default (25/s) would queue the stream.
    STRIPE_RATE_LIMIT_PER_SECOND: "1000",
    STRIPE_RATE_LIMIT_INSTANCES: "2",
    WS_MAX_SOCKETS_PER_CUSTOMER: String(Math.min(1_000, Math.max(10, options.socketsPerCustomer))),
    RATE_LIMIT_COST_PER_MINUTE: "1000000000",
    EVENT_SWEEP_INTERVAL_S: "2",
  };
  const auth = loadConfig(env).auth;
  const control = new ControlApi(sandbox.url);
  const customers: SandboxCustomer[] = [];
  for (let index = 0; index < options.customers; index += 1) {
    customers.push(
      await control.createCustomer({
        accounts: options.accountsPerCustomer,
        authorizations: Math.max(1, Math.floor(options.accountsPerCustomer / 2)),
      }),
    );
  }
  instances.push(...(await Promise.all([startGatewayProcess(env), startGatewayProcess(env)])));
  const tokens = new Map<string, Promise<string>>();
  const cluster: ChaosCluster = {
    redis,
    sandbox,
    control,
    balancer,
    instances,
    customers,
    prefix,
    authorizationFor: (customerId) => {
      let token = tokens.get(customerId);
      if (token === undefined) {
        token = signToken(auth, { customerId, ttlSeconds: 3_600 }).then((jwt) => `Bearer ${jwt}`);
        tokens.set(customerId, token);
      }
      return token;
    },
    baseUrl: (index) => {
      const instance = instances[index];
      return instance?.alive() ? instance.url : undefined;
    },
    liveUrl: () => {
      const instance = instances.find((candidate) => candidate.alive());
      if (instance === undefined) throw new Error("no gateway instance is alive");
      return instance.url;
    },
    liveSubscriptions: () =>
      Promise.all(
        instances
          .filter((instance) => instance.alive())
          .map(async (instance) => {
            const text = await (
              await fetch(`${instance.url}/metrics`, {
                headers: { authorization: `Bearer ${METRICS_TOKEN}` },
              })
            ).text();
            const line = /^fc_gateway_live_subscriptions (\d+)/m.exec(text);
            return Number(line?.[1] ?? Number.NaN);
          }),
      ),
    close: async () => {
      await Promise.all(instances.map((instance) => instance.stop("SIGTERM")));
      await balancer.close();
      await sandbox.close();
      await redis.kill();
    },
  };
  return cluster;
}

/** `/readyz` of each live instance: true for 200. */
export async function readiness(cluster: ChaosCluster): Promise<boolean[]> {
  return Promise.all(
    cluster.instances
      .filter((instance) => instance.alive())
      .map(async (instance) => {
        try {
          return (await fetch(`${instance.url}/readyz`)).status === 200;
        } catch {
          return false;
        }
      }),
  );
}
