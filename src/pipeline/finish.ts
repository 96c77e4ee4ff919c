import { toClientError } from "../errors/client-errors.js";
import type { ErrorCode } from "../errors/error-codes.js";
import type { Logger } from "../observability/logger.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { endOperationSpan } from "../observability/operation-span.js";
import { logOperation } from "./operation-line.js";
import type { OperationTrace } from "./operation-trace.js";

/** Where finished operations are reported. */
export interface OperationReporting {
  logger: Logger;
  metrics: GatewayMetrics;
}

/** The code the client sees for each of the operation's errors, in order. */
export function clientErrorCodes(trace: OperationTrace): ErrorCode[] {
  return trace.errors.map((error) => toClientError(error).code);
}

/**
 * The codes that refuse an operation for its caller's own doing, which the fair gate's pacing
 * charges (limits/fair-pacing.ts): a document that does not parse, validate or fit the work bound,
 * and a spent budget (cost, miss, refresh; RATE_LIMITED).
 */
const CALLERS_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "DOCUMENT_TOO_COMPLEX",
  "RATE_LIMITED",
]);

/** Whether `code` refuses an operation for its caller's own doing (CALLERS_REFUSALS). */
export const isCallersRefusal = (code: ErrorCode) => CALLERS_REFUSALS.has(code);

/**
 * The last stage, once per operation whatever became of it (ran, refused at any stage, a
 * socket refused at connection_init): one info line (`logOperation`: name, type, transport,
 * duration, Stripe calls, error codes, Stripe's details of upstream failures), and in the
 * metrics one operation (by type, `operationLabel`'s name and transport), its duration, and
 * each error by the code the client saw. The name label is the operation's own only when a
 * verified viewer sent it and it ran; the type is "unknown" until the document was resolved.
 * Then the operation's span ends with its name, type, cost, error codes and Stripe call count
 * (never its variables, document or token). A second call for the same trace does nothing.
 * `errorCodes`: `clientErrorCodes(trace)`, when the caller has them already.
 */
export function finishOperation(
  trace: OperationTrace,
  reporting: OperationReporting,
  errorCodes: readonly ErrorCode[] = clientErrorCodes(trace),
): void {
  if (trace.finished) return;
  trace.finished = true;
  const { logger, metrics } = reporting;
  const { transport } = trace;
  logOperation(logger, {
    transport,
    requestId: trace.requestId,
    operation: trace.operation?.name ?? null,
    type: trace.operation?.type ?? null,
    startedAt: trace.startedAt,
    stripeCalls: trace.context?.stripeCalls,
    errors: trace.errors,
    errorCodes,
  });
  const type = trace.operation?.type ?? "unknown";
  const name = metrics.operationLabel({
    name: trace.operation?.name,
    authenticated: trace.viewer !== null,
    executed: trace.executed && trace.operation !== undefined,
  });
  metrics.operations.inc({ type, name, transport });
  metrics.operationDuration.observe(
    { type, transport },
    (performance.now() - trace.startedAt) / 1000,
  );
  for (const code of errorCodes) metrics.errors.inc({ code, transport });
  let stripeCalls = 0;
  for (const count of trace.context?.stripeCalls.values() ?? []) stripeCalls += count;
  endOperationSpan(trace.span, {
    name: trace.operation?.name ?? null,
    type: trace.operation?.type ?? null,
    label: name,
    requestId: trace.requestId,
    costRequested: trace.cost?.requested,
    errorCodes,
    stripeCalls,
  });
}
