import { Writable } from "node:stream";
import { signToken } from "../../src/auth/sign-token.js";
import { type GatewayConfig, loadConfig } from "../../src/config/config.js";
import type { PricingWork } from "../../src/limits/estimate-cost.js";
import { createLogger } from "../../src/observability/logger.js";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/server.js";
import { type GatewayHandle, startGateway } from "../../src/server/gateway.js";
import type { RateLimitRetryPolicy } from "../../src/stripe/rate-limit-retry.js";

/** A sandbox and a gateway pointed at it, both on ephemeral ports. */
export interface TestStack {
  sandbox: SandboxHandle;
  gateway: GatewayHandle;
  config: GatewayConfig;
  close(): Promise<void>;
}

/** Options for a test stack: extra environment variables and a fast 429 retry policy by default. */
export interface StackOptions {
  env?: Record<string, string>;
  rateLimitRetry?: RateLimitRetryPolicy;
  /** Receives every gateway log line, at trace level; without it the gateway logs nothing. */
  logSink?: LogSink;
  /**
   * Puts something between the gateway and the sandbox (a proxy that records or rewrites
   * answers): given the sandbox's URL, it returns the URL the gateway calls instead.
   */
  upstream?: (sandboxUrl: string) => Promise<Upstream>;
  /** Accumulates the gateway's cost-pricing work (operations priced, selections visited). */
  pricingWork?: PricingWork;
  /**
   * The sandbox's event clock (Unix seconds: events' `created`); default the system clock. It
   * must never go back (see `heldEventClock`).
   */
  sandboxEventClock?: () => number;
}

/**
 * A sandbox event clock a test can hold on one second, so that several events are created in the
 * same second (the gateway cannot order them by `created`), then let go (the system clock again,
 * which is never earlier than the second it held).
 */
export function heldEventClock() {
  let held: number | undefined;
  return {
    now: () => held ?? Math.floor(Date.now() / 1000),
    /** Holds the clock on the current second. */
    hold: () => {
      held = Math.floor(Date.now() / 1000);
    },
    /** Lets the clock go on with the system clock (already at or past the held second). */
    release: () => {
      held = undefined;
    },
  };
}

/** A stand-in between the gateway and the sandbox, closed with the stack. */
export interface Upstream {
  url: string;
  close(): Promise<void>;
}

/** Collects log lines in memory, so tests can search all of them. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
  /** Everything logged so far, as one string. */
  text(): string {
    return this.lines.join("\n");
  }
}

/** Fast retries so fault tests take milliseconds. */
export const FAST_RATE_LIMIT_RETRY: RateLimitRetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 5,
  maxDelayMs: 20,
};

/**
 * Starts a sandbox (port 0) and a gateway (port 0) that talks to it over HTTP with the real
 * Stripe SDK; the sandbox delivers its events to the gateway, signed with the gateway's first
 * webhook secret (as Stripe signs with the endpoint's). stripe-node's own retries are off unless
 * `env` sets them, so request counts are exact. Close it in afterAll.
 */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const config = loadConfig({ STRIPE_MAX_RETRIES: "0", LOG_LEVEL: "silent", ...options.env });
  const sandbox = await startSandbox({
    port: 0,
    webhookSecret: config.webhookSecrets[0],
    webhookRetry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
    ...(options.sandboxEventClock === undefined ? {} : { eventClock: options.sandboxEventClock }),
  });
  const upstream = options.upstream ? await options.upstream(sandbox.url) : undefined;
  const gateway = await startGateway({
    config,
    logger: options.logSink ? createLogger("trace", options.logSink) : createLogger("silent"),
    stripeApiBase: upstream?.url ?? sandbox.url,
    rateLimitRetry: options.rateLimitRetry ?? FAST_RATE_LIMIT_RETRY,
    port: 0,
    pricingWork: options.pricingWork,
  });
  sandbox.setWebhookUrls([`${gateway.url}/webhooks/stripe`]);
  return {
    sandbox,
    gateway,
    config,
    close: async () => {
      await gateway.close();
      await upstream?.close();
      await sandbox.close();
    },
  };
}

/**
 * Starts one more gateway on the stack's sandbox (another instance behind the same load balancer),
 * with `env` on top of the defaults. Close it before the stack.
 */
export async function startAnotherGateway(
  stack: TestStack,
  env: Record<string, string>,
): Promise<GatewayHandle> {
  return startGateway({
    config: loadConfig({ STRIPE_MAX_RETRIES: "0", LOG_LEVEL: "silent", ...env }),
    logger: createLogger("silent"),
    stripeApiBase: stack.sandbox.url,
    rateLimitRetry: FAST_RATE_LIMIT_RETRY,
    port: 0,
  });
}

/** A GraphQL response as JSON. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

/** A token for `customerId` that the stack's gateway accepts. */
export const tokenFor = (stack: TestStack, customerId: string) =>
  signToken(stack.config.auth, { customerId });

/**
 * Posts one operation to the gateway as `customer` (a bearer token signed for it), or
 * anonymously when `customer` is undefined. `headers` adds or overrides request headers.
 */
export async function graphql<T = Record<string, unknown>>(
  stack: TestStack,
  query: string,
  variables: Record<string, unknown> = {},
  customer?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const authorization: Record<string, string> =
    customer === undefined ? {} : { authorization: `Bearer ${await tokenFor(stack, customer)}` };
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...authorization, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}
