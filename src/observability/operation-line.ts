import { boundedText } from "./bounded-text.js";
import type { Logger } from "./logger.js";

/** What one finished GraphQL operation is logged with, whichever transport carried it. */
export interface OperationRecord {
  transport: "http" | "ws";
  /** The request id on HTTP; `<socket>:<operation id>` on WebSocket. */
  requestId: string | null;
  operation: string | null;
  type: string | null;
  /** `performance.now()` when the operation started. */
  startedAt: number;
  /** Stripe calls the operation made, by route template. */
  stripeCalls: ReadonlyMap<string, number> | undefined;
  errorCodes: string[];
}

/**
 * Writes the one info line per operation: name, type, transport, duration, Stripe calls by route
 * and in total, error codes. The name comes from the client, so it is bounded (`boundedText`:
 * over 100 characters, its first 100 and "…"). Never the response or variables (they may hold a
 * `clientSecret`).
 */
export function logOperation(logger: Logger, record: OperationRecord): void {
  const byRoute = Object.fromEntries(record.stripeCalls ?? new Map<string, number>());
  logger.info(
    {
      transport: record.transport,
      requestId: record.requestId,
      operation: boundedText(record.operation),
      type: record.type,
      durationMs: Math.round((performance.now() - record.startedAt) * 10) / 10,
      stripeCalls: Object.values(byRoute).reduce((sum, count) => sum + count, 0),
      stripeCallsByRoute: byRoute,
      errorCodes: record.errorCodes,
    },
    "graphql operation",
  );
}
