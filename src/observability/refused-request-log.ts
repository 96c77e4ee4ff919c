import { boundedText } from "./bounded-text.js";
import type { Logger } from "./logger.js";
import { logOperation } from "./operation-line.js";

/** An HTTP GraphQL request refused before Apollo took it on (a bad, missing or foreign token). */
export interface RefusedRequest {
  requestId: string | null;
  /** The query text as sent (logged at trace level only). */
  query: unknown;
  /** The operation's name, when known without more than parsing. */
  operationName: string | null;
  /** `performance.now()` when the request reached the GraphQL endpoint. */
  startedAt: number;
  error: unknown;
}

/**
 * Logs a request refused while its context was built, as operationLogPlugin logs the operations
 * Apollo runs: the trace line of the request as received (name cut at 100 characters) and the one
 * operation line, with its error code. Apollo calls no request hook for such a request, so without
 * this it would leave no line at all.
 */
export function logRefusedRequest(logger: Logger, refused: RefusedRequest): void {
  const operationName = boundedText(refused.operationName);
  logger.trace(
    { requestId: refused.requestId, query: refused.query, operationName },
    "graphql request",
  );
  logOperation(logger, {
    transport: "http",
    requestId: refused.requestId,
    operation: refused.operationName,
    type: null,
    startedAt: refused.startedAt,
    stripeCalls: undefined,
    errors: [refused.error],
  });
}
