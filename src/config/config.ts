import { SANDBOX_DEV_API_KEY } from "../shared/sandbox-defaults.js";
import { type AllowedOrigins, resolveAllowedOrigins } from "./allowed-origins.js";
import { type AuthConfig, resolveAuthConfig } from "./auth-config.js";
import { deploymentOf } from "./deployment.js";
import { type Env, envSchema } from "./env-schema.js";
import type { EventRetention } from "./event-retention.js";
import {
  FAIR_PACING_MAX_DELAY_MS,
  FAIR_PACING_RUNS,
  type FairAdmissionLimits,
} from "./fair-admission-limits.js";
import { type MetricsSettings, resolveMetricsSettings } from "./metrics-settings.js";
import { resolveStripeRateLimit, type StripeRateLimit } from "./stripe-rate-limit.js";
import { resolveTracingSettings, type TracingSettings } from "./tracing-settings.js";
import { resolveTrustedDocuments, type TrustedDocumentsSettings } from "./trusted-documents.js";
import { resolveWebhookSecrets } from "./webhook-secrets.js";

/** How the gateway reaches Stripe: the real API, any Stripe-compatible base URL, or the embedded sandbox. */
export type StripeTarget =
  | { kind: "stripe"; apiKey: string; apiBase: string | undefined }
  | { kind: "embedded-sandbox"; apiKey: string; sandboxPort: number };

/** The gateway's configuration, parsed once at start-up and passed down explicitly. */
export interface GatewayConfig {
  env: Env["NODE_ENV"];
  production: boolean;
  port: number;
  /** The interface the gateway binds (HOST): `0.0.0.0`, all interfaces, unless set. */
  host: string;
  stripe: {
    target: StripeTarget;
    apiVersion: string;
    timeoutMs: number;
    maxRetries: number;
    maxConcurrency: number;
    /** The client-side limiter: at most `perSecond` Stripe requests in any one-second window. */
    rateLimit: StripeRateLimit;
  };
  /** Secrets accepted on `/webhooks/stripe` (several during rotation). */
  webhookSecrets: string[];
  /**
   * Apollo Server's own usage reporting to Apollo Studio is on: APOLLO_KEY and APOLLO_GRAPH_REF
   * are set, so Apollo installs it by itself. Its plugin sees only the requests Apollo's request
   * pipeline answers, so every GraphQL POST goes through that pipeline then (no direct path).
   */
  apolloUsageReporting: boolean;
  /** APOLLO_KEY (Apollo reads it itself): kept only so the logger blanks it (knownSecretsOf). */
  apolloKey: string | undefined;
  /** The embedded sandbox (its port is in `stripe.target`): extra generated accounts. */
  sandbox: { seedSize: number };
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** The read model of Stripe state (src/read-model/): in Redis with `redisUrl`, else in memory. */
  readModel: {
    /** Age (ms) after which a stored object is served but revalidated in the background. */
    maxAgeMs: number;
    /** Interval (ms) between two catch-up sweeps of Stripe's Events API. */
    sweepIntervalMs: number;
    /** Operations reading with `refresh: true` each customer may run per minute. */
    refreshesPerMinute: number;
  };
  /**
   * Browser origins allowed to call the gateway (ALLOWED_ORIGINS): HTTP CORS on the GraphQL routes
   * and the WebSocket Origin check share it. No list: loopback origins in development, none in
   * production.
   */
  allowedOrigins: AllowedOrigins;
  websocket: {
    maxSubscriptionsPerSocket: number;
    maxSocketsPerCustomer: number;
    /** Sockets and streams one service token may hold, apart from its customers' caps. */
    maxSocketsPerService: number;
    /** Events one subscription may have waiting for its reader, on every streaming transport. */
    maxPendingEvents: number;
  };
  /** The HTTP server's own limits (Node's server settings). */
  http: HttpServerLimits;
  /**
   * How long and how many lifecycle events each customer's log keeps for subscribers that resume
   * (SUBSCRIPTION_RETENTION_S, SUBSCRIPTION_RETENTION_EVENTS; kept by src/pubsub/'s event logs).
   */
  subscriptionLog: EventRetention;
  auth: AuthConfig;
  /** GraphQL exposure and limits, applied on HTTP and WebSocket alike (see src/limits/). */
  graphql: {
    /** Introspection (and "Did you mean" suggestions): on in development, off in production. */
    introspection: boolean;
    /** The playgrounds (Apollo's landing page on GET /graphql, GraphiQL on /graphiql): on in development, off in production. */
    landingPage: boolean;
    limits: QueryLimits;
    /** Cost points each customer may spend per minute (see src/limits/cost-model.ts). */
    costPerMinute: number;
    /**
     * The per-customer fair gate before parsing (GRAPHQL_MAX_ACTIVE_PER_CUSTOMER,
     * GRAPHQL_MAX_QUEUED_PER_CUSTOMER; pacing: GRAPHQL_FAIR_PACING_FACTOR,
     * GRAPHQL_FAIR_PACING_FREE_MS, GRAPHQL_FAIR_PACING_REFUSED_MS; see src/limits/fair-admission.ts).
     */
    fairAdmission: FairAdmissionLimits;
    /** The trusted documents (TRUSTED_DOCUMENTS): undefined when unset, nothing is enforced. */
    trustedDocuments: TrustedDocumentsSettings | undefined;
  };
  /** Who may read `/metrics` and where it is served (METRICS_TOKEN, METRICS_PORT, METRICS_HOST). */
  metrics: MetricsSettings;
  /** OpenTelemetry traces (the standard `OTEL_*` variables): off unless an exporter or endpoint is set. */
  tracing: TracingSettings;
  logLevel: Env["LOG_LEVEL"];
}

/** Connection cap and timeouts of the gateway's HTTP server. */
export interface HttpServerLimits {
  /** Connections open at once (server.maxConnections); one more is closed as it is accepted. */
  maxConnections: number;
  /** ms to receive a request's headers (server.headersTimeout); at most `requestTimeoutMs`. */
  headersTimeoutMs: number;
  /** ms to receive a whole request (server.requestTimeout). */
  requestTimeoutMs: number;
  /** ms an idle keep-alive connection is kept (server.keepAliveTimeout). */
  keepAliveTimeoutMs: number;
}

/** Per-operation limits; an operation passes at each value and fails at value + 1. */
export interface QueryLimits {
  /** Deepest field nesting (fragments do not add a level). */
  maxDepth: number;
  /** Aliased fields, `__typename` included, fragments counted where spread. */
  maxAliases: number;
  /** Lexical tokens of the document; parsing stops at the first one over. */
  maxTokens: number;
  /** Directives used, fragments counted where spread. */
  maxDirectives: number;
  /** Estimated cost (see src/limits/cost-model.ts), with the operation's variables. */
  maxCost: number;
  /**
   * Validation work a document may need (`src/limits/validation-work.ts`: fields, pairs of
   * same-named fields at one level, fragments spread there), checked before validating.
   */
  maxValidationWork: number;
}

/** Thrown by `loadConfig`; its message names every offending variable and never echoes a value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses and validates the environment once. Returns the configuration, or throws a
 * `ConfigError` whose message names each bad variable (values are not echoed: they may be secrets).
 * Outside embedded sandbox mode STRIPE_WEBHOOK_SECRET is required, and the public development
 * secrets are refused with a real Stripe key or in production (see `Deployment` for the terms).
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const env = parsed.data;
  const usesSandbox = env.STRIPE_SECRET_KEY === undefined;
  if (usesSandbox && env.NODE_ENV === "production" && env.STRIPE_API_BASE === undefined) {
    throw new ConfigError(
      "Invalid configuration:\n  STRIPE_SECRET_KEY: required when NODE_ENV=production (the embedded sandbox is for development)",
    );
  }
  const target: StripeTarget = usesSandbox
    ? env.STRIPE_API_BASE === undefined
      ? { kind: "embedded-sandbox", apiKey: SANDBOX_DEV_API_KEY, sandboxPort: env.SANDBOX_PORT }
      : { kind: "stripe", apiKey: SANDBOX_DEV_API_KEY, apiBase: env.STRIPE_API_BASE }
    : { kind: "stripe", apiKey: env.STRIPE_SECRET_KEY as string, apiBase: env.STRIPE_API_BASE };
  const liveKey = env.STRIPE_SECRET_KEY?.includes("_live_") ?? false;
  const webhookSecrets = resolveWebhookSecrets(env.STRIPE_WEBHOOK_SECRET, deploymentOf(env));
  if ("variable" in webhookSecrets) {
    throw new ConfigError(
      `Invalid configuration:\n  ${webhookSecrets.variable}: ${webhookSecrets.message}`,
    );
  }
  const rateLimit = resolveStripeRateLimit({
    liveMode: liveKey,
    perSecond: env.STRIPE_RATE_LIMIT_PER_SECOND,
    burst: env.STRIPE_RATE_LIMIT_BURST,
    maxQueuePerCustomer: env.STRIPE_QUEUE_MAX_PER_CUSTOMER,
    maxWaitMs: env.STRIPE_QUEUE_MAX_WAIT_MS,
    instances: env.STRIPE_RATE_LIMIT_INSTANCES,
  });
  if ("variable" in rateLimit) {
    throw new ConfigError(`Invalid configuration:\n  ${rateLimit.variable}: ${rateLimit.message}`);
  }
  const auth = resolveAuthConfig(env);
  if ("variable" in auth) {
    throw new ConfigError(`Invalid configuration:\n  ${auth.variable}: ${auth.message}`);
  }
  const metrics = resolveMetricsSettings(env);
  if ("variable" in metrics) {
    throw new ConfigError(`Invalid configuration:\n  ${metrics.variable}: ${metrics.message}`);
  }
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      "Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS",
    );
  }
  const trustedDocuments = resolveTrustedDocuments(env);
  if (trustedDocuments !== undefined && "variable" in trustedDocuments) {
    throw new ConfigError(
      `Invalid configuration:\n  ${trustedDocuments.variable}: ${trustedDocuments.message}`,
    );
  }
  const allowedOrigins = resolveAllowedOrigins(env.ALLOWED_ORIGINS, env.NODE_ENV === "production");
  if ("variable" in allowedOrigins) {
    throw new ConfigError(
      `Invalid configuration:\n  ${allowedOrigins.variable}: ${allowedOrigins.message}`,
    );
  }
  return {
    apolloUsageReporting: env.APOLLO_KEY !== undefined && env.APOLLO_GRAPH_REF !== undefined,
    apolloKey: env.APOLLO_KEY,
    env: env.NODE_ENV,
    production: env.NODE_ENV === "production",
    port: env.PORT,
    host: env.HOST,
    stripe: {
      target,
      apiVersion: env.STRIPE_API_VERSION,
      timeoutMs: env.STRIPE_TIMEOUT_MS,
      maxRetries: env.STRIPE_MAX_RETRIES,
      maxConcurrency: env.STRIPE_MAX_CONCURRENCY,
      rateLimit,
    },
    webhookSecrets,
    sandbox: { seedSize: env.SANDBOX_SEED_SIZE },
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    readModel: {
      maxAgeMs: env.READ_MODEL_MAX_AGE_S * 1000,
      sweepIntervalMs: env.EVENT_SWEEP_INTERVAL_S * 1000,
      refreshesPerMinute: env.RATE_LIMIT_REFRESHES_PER_MINUTE,
    },
    allowedOrigins,
    websocket: {
      maxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSocketsPerCustomer: env.WS_MAX_SOCKETS_PER_CUSTOMER,
      maxSocketsPerService: env.WS_MAX_SOCKETS_PER_SERVICE,
      maxPendingEvents: env.STREAM_MAX_PENDING_EVENTS,
    },
    http: {
      maxConnections: env.HTTP_MAX_CONNECTIONS,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    subscriptionLog: {
      retentionMs: env.SUBSCRIPTION_RETENTION_S * 1000,
      maxEventsPerCustomer: env.SUBSCRIPTION_RETENTION_EVENTS,
    },
    auth,
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== "production",
      landingPage: env.GRAPHQL_LANDING_PAGE ?? env.NODE_ENV !== "production",
      limits: {
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxTokens: env.GRAPHQL_MAX_TOKENS,
        maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
        maxCost: env.GRAPHQL_MAX_COST,
        maxValidationWork: env.GRAPHQL_MAX_VALIDATION_WORK,
      },
      costPerMinute: env.RATE_LIMIT_COST_PER_MINUTE,
      fairAdmission: {
        maxActive: env.GRAPHQL_MAX_ACTIVE_PER_CUSTOMER,
        maxQueued: env.GRAPHQL_MAX_QUEUED_PER_CUSTOMER,
        pacing: {
          factor: env.GRAPHQL_FAIR_PACING_FACTOR,
          freeMs: env.GRAPHQL_FAIR_PACING_FREE_MS,
          refusedMs: env.GRAPHQL_FAIR_PACING_REFUSED_MS,
          maxDelayMs: FAIR_PACING_MAX_DELAY_MS,
          runs: FAIR_PACING_RUNS,
        },
      },
      trustedDocuments,
    },
    metrics,
    tracing: resolveTracingSettings(env),
    logLevel: env.LOG_LEVEL,
  };
}
