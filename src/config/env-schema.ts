import { z } from "zod";
import {
  DEFAULT_SANDBOX_PORT,
  MAX_SANDBOX_SEED_SIZE,
  PREVIEW_API_VERSION,
} from "../shared/sandbox-defaults.js";

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();
const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
/** A whole number in min..max, or undefined when unset or empty (the default is decided later). */
const optionalInt = (min: number, max: number) =>
  optionalString
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().int().min(min).max(max).optional());
const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * The environment variables the gateway reads, with their defaults. Parsing fails with a
 * zod error whose issue paths are the variable names (see `loadConfig`).
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(4000),
  /** The interface the gateway binds: all of them by default (`0.0.0.0`), `127.0.0.1` for this machine only. */
  HOST: z
    .string()
    .trim()
    .regex(
      /^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/,
      "must be a host name or an IP address",
    )
    .default("0.0.0.0"),
  STRIPE_SECRET_KEY: optionalString.pipe(
    z
      .string()
      .regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
        "must look like sk_test_..., sk_live_... or rk_...",
      )
      .optional(),
  ),
  STRIPE_API_BASE: optionalString.pipe(httpUrl.optional()),
  STRIPE_API_VERSION: z.string().trim().min(1).default(PREVIEW_API_VERSION),
  STRIPE_WEBHOOK_SECRET: commaList.pipe(
    z.array(z.string().regex(/^whsec_[A-Za-z0-9_]+$/, "each secret must start with whsec_")),
  ),
  STRIPE_TIMEOUT_MS: positiveInt.max(80_000).default(10_000),
  STRIPE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  STRIPE_MAX_CONCURRENCY: positiveInt.max(100).default(8),
  STRIPE_RATE_LIMIT_PER_SECOND: optionalInt(2, 10_000),
  STRIPE_RATE_LIMIT_BURST: optionalInt(1, 10_000),
  STRIPE_QUEUE_MAX_PER_CUSTOMER: optionalInt(1, 10_000),
  STRIPE_QUEUE_MAX_WAIT_MS: optionalInt(1, 120_000),
  STRIPE_RATE_LIMIT_INSTANCES: optionalInt(1, 1_000),
  /** Port of the embedded sandbox (`npm start` without a Stripe key). */
  SANDBOX_PORT: port.default(DEFAULT_SANDBOX_PORT),
  /** Extra generated accounts in the embedded sandbox; the standalone sandbox has the same bound. */
  SANDBOX_SEED_SIZE: z.coerce.number().int().min(0).max(MAX_SANDBOX_SEED_SIZE).default(0),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "letters, digits, ':', '_' or '-', at most 64")
    .default("fc-gateway"),
  /** Seconds after which a read-model object is served but revalidated from Stripe in the background. */
  READ_MODEL_MAX_AGE_S: positiveInt.max(86_400).default(300),
  /** Operations reading with `refresh: true` each customer may run per minute (src/data/refresh-budget.ts). */
  RATE_LIMIT_REFRESHES_PER_MINUTE: positiveInt.max(1_000_000).default(30),
  /** Seconds between two catch-up sweeps of Stripe's Events API. */
  EVENT_SWEEP_INTERVAL_S: positiveInt.max(86_400).default(60),
  AUTH_JWT_SECRET: optionalString,
  AUTH_JWKS_URL: optionalString.pipe(httpUrl.optional()),
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  AUTH_CUSTOMER_CLAIM: z.string().trim().min(1).default("stripe_customer"),
  AUTH_SERVICE_SCOPE: z.string().trim().min(1).default("fc:any_customer"),
  /** Longest token lifetime (`exp - iat`) accepted, in seconds: 24 h by default, at most a year. */
  AUTH_MAX_TOKEN_AGE: positiveInt.max(31_536_000).default(86_400),
  ALLOWED_ORIGINS: commaList,
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt.max(1_000).default(20),
  WS_MAX_SOCKETS_PER_CUSTOMER: positiveInt.max(1_000).default(10),
  /** WebSockets and subscription streams one service token may hold open, whichever customers it acts as. */
  WS_MAX_SOCKETS_PER_SERVICE: positiveInt.max(100_000).default(100),
  /** Events one subscription may have waiting for a slow reader before it is ended (SLOW_CONSUMER). */
  STREAM_MAX_PENDING_EVENTS: positiveInt.max(100_000).default(100),
  /** Connections the process holds open at once (HTTP, keep-alive, WebSockets); more are closed at once. */
  HTTP_MAX_CONNECTIONS: positiveInt.max(1_000_000).default(10_000),
  /** Milliseconds a connection may take to send a request's headers (Node's headersTimeout). */
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.max(600_000).default(10_000),
  /** Milliseconds a connection may take to send a whole request, body included (Node's requestTimeout). */
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.max(600_000).default(30_000),
  /** Milliseconds an idle keep-alive connection stays open between requests (Node's keepAliveTimeout). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.max(600_000).default(5_000),
  /** Seconds a customer's lifecycle events are kept for subscribers that resume (src/pubsub/event-log.ts). */
  SUBSCRIPTION_RETENTION_S: positiveInt.max(2_592_000).default(86_400),
  /** Most lifecycle events kept per customer for subscribers that resume; older ones are trimmed. */
  SUBSCRIPTION_RETENTION_EVENTS: positiveInt.max(100_000).default(1_000),
  GRAPHQL_MAX_DEPTH: positiveInt.max(100).default(10),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).max(1_000).default(15),
  GRAPHQL_MAX_TOKENS: positiveInt.max(100_000).default(1_000),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1_000).default(50),
  GRAPHQL_MAX_COST: positiveInt.max(10_000_000).default(10_000),
  GRAPHQL_MAX_VALIDATION_WORK: positiveInt.max(100_000_000).default(50_000),
  GRAPHQL_INTROSPECTION: optionalString.pipe(z.stringbool().optional()),
  GRAPHQL_LANDING_PAGE: optionalString.pipe(z.stringbool().optional()),
  /** The trusted documents manifest (client preset `persisted-documents.json`); see config/trusted-documents.ts. */
  TRUSTED_DOCUMENTS: optionalString,
  // Apollo Server reads these itself (its usage reporting to Apollo Studio); the gateway reads
  // whether they are set, to send every request through Apollo's pipeline then.
  APOLLO_KEY: optionalString,
  APOLLO_GRAPH_REF: optionalString,
  /** Outside production, documents sent as text run beside the manifest's (GraphiQL). */
  TRUSTED_DOCUMENTS_ALLOW_ADHOC: optionalString.pipe(z.stringbool().optional()),
  RATE_LIMIT_COST_PER_MINUTE: positiveInt.max(1_000_000_000_000).default(100_000),
  /** Operations of one customer past the fair gate at once (src/limits/fair-admission.ts). */
  GRAPHQL_MAX_ACTIVE_PER_CUSTOMER: positiveInt.max(10_000).default(4),
  /** Operations of one customer waiting at the fair gate besides; one more is RATE_LIMITED. */
  GRAPHQL_MAX_QUEUED_PER_CUSTOMER: z.coerce.number().int().min(0).max(100_000).default(256),
  /** Times an operation's measured work past the free allowance a paced caller then waits; 0: off. */
  GRAPHQL_FAIR_PACING_FACTOR: z.coerce.number().min(0).max(100).default(32),
  /** Milliseconds of an operation's measured work that cost its caller no wait. */
  GRAPHQL_FAIR_PACING_FREE_MS: z.coerce.number().min(0).max(10_000).default(2),
  /** The least a refused operation (bad document, spent budget) counts as, in ms of work; 0: as measured. */
  GRAPHQL_FAIR_PACING_REFUSED_MS: z.coerce.number().min(0).max(10_000).default(4),
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._~+/-]{16,512}=*$/,
        "16 to 512 characters of A-Z, a-z, 0-9 and . _ ~ + / - (a bearer token)",
      )
      .optional(),
  ),
  METRICS_PORT: optionalInt(0, 65_535),
  METRICS_HOST: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** OpenTelemetry's standard variables (the SDK reads them too); either of the first two turns traces on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(httpUrl.optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(httpUrl.optional()),
  OTEL_TRACES_EXPORTER: commaList.pipe(
    z.array(z.enum(["otlp", "console", "none"], "each exporter must be otlp, console or none")),
  ),
  OTEL_SDK_DISABLED: optionalString.pipe(z.stringbool().optional()),
  OTEL_SERVICE_NAME: optionalString,
});

/** The raw, validated environment. */
export type Env = z.infer<typeof envSchema>;
