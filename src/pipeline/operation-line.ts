import { GraphQLError } from "graphql";
import { boundedText } from "../observability/bounded-text.js";
import type { Logger } from "../observability/logger.js";
import { type StripeFailure, stripeFailureOf } from "../stripe/stripe-failure.js";

/**
 * The transports that carry operations (a label in logs and metrics): GraphQL over HTTP,
 * graphql-ws, graphql-sse, Apollo's multipart HTTP subscriptions.
 */
export type Transport = "http" | "ws" | "sse" | "multipart";

/** What one finished GraphQL operation is logged with, whichever transport carried it. */
export interface OperationRecord {
  transport: Transport;
  /** The request id on HTTP; `<socket>:<operation id>` on WebSocket. */
  requestId: string | null;
  operation: string | null;
  type: string | null;
  /** `performance.now()` when the operation started. */
  startedAt: number;
  /** Stripe calls the operation made, by route template. */
  stripeCalls: ReadonlyMap<string, number> | undefined;
  /** The errors the operation answered with, as raised (before masking). */
  errors: unknown[];
  /** The code the client saw for each of `errors`, in their order (`toClientError`'s). */
  errorCodes: readonly string[];
}

/** A Stripe refusal behind one of the operation's errors, with the field it failed. */
export interface UpstreamErrorEntry extends StripeFailure {
  /** The response path of the failed field (`a.b.0.c`), or null for a request-level error. */
  path: string | null;
}

/**
 * The logger of the operation lines: `logger` without path redaction. Every field of that line is
 * a primitive, a list of error codes, a map of route templates to counts, or a list of Stripe
 * failures (`UpstreamErrorEntry`), so no redacted path (`token`, `*.authorization`, …) can name
 * anything in it, and pino's redactor, which walks every object-valued field against every
 * wildcard path, would only cost time on the busiest line. The value-shape scrubber (the
 * logger's `streamWrite` hook, which children keep) still reads the whole line: the operation
 * name and Stripe's messages are text from outside. Built once per logger.
 */
const operationLoggers = new WeakMap<Logger, Logger>();
function operationLogger(logger: Logger): Logger {
  let lean = operationLoggers.get(logger);
  if (lean === undefined) {
    lean = logger.child({}, { redact: [] });
    operationLoggers.set(logger, lean);
  }
  return lean;
}

/** The error a resolver threw, under graphql-js's located wrapper (else the error itself). */
const originalErrorOf = (error: unknown): unknown =>
  error instanceof GraphQLError && error.originalError !== undefined ? error.originalError : error;

const pathOf = (error: unknown): string | null =>
  error instanceof GraphQLError && error.path !== undefined ? error.path.join(".") : null;

/**
 * Writes the one info line per operation: name, type, transport, duration, Stripe calls by route
 * and in total, the error codes the client saw, and for each error Stripe caused what Stripe said
 * (status, type, code, param, message, request id). Each unexpected error (masked for the client
 * as INTERNAL_SERVER_ERROR) also gets an error line of its own, with its stack. Never the
 * response or variables (they may hold a `clientSecret`). The name comes from the client, so it is
 * bounded (`boundedText`: over 100 characters, its first 100 and "…"). The info line skips path
 * redaction (`operationLogger`: nothing in it has a redacted name); the error line keeps it.
 */
export function logOperation(logger: Logger, record: OperationRecord): void {
  const byRoute = Object.fromEntries(record.stripeCalls ?? new Map<string, number>());
  const errorCodes: string[] = [];
  const upstreamErrors: UpstreamErrorEntry[] = [];
  for (const [index, error] of record.errors.entries()) {
    const code = record.errorCodes[index] ?? "INTERNAL_SERVER_ERROR";
    errorCodes.push(code);
    const path = pathOf(error);
    const upstream = stripeFailureOf(originalErrorOf(error));
    if (upstream !== undefined) upstreamErrors.push({ path, ...upstream });
    if (code === "INTERNAL_SERVER_ERROR") {
      logger.error(
        {
          transport: record.transport,
          requestId: record.requestId,
          operation: boundedText(record.operation),
          path,
          stripeRequestId: upstream?.requestId ?? null,
          err: originalErrorOf(error),
        },
        "unexpected error in graphql operation",
      );
    }
  }
  operationLogger(logger).info(
    {
      transport: record.transport,
      requestId: record.requestId,
      operation: boundedText(record.operation),
      type: record.type,
      durationMs: Math.round((performance.now() - record.startedAt) * 10) / 10,
      stripeCalls: Object.values(byRoute).reduce((sum, count) => sum + count, 0),
      stripeCallsByRoute: byRoute,
      errorCodes,
      upstreamErrors,
    },
    "graphql operation",
  );
}
