/** Validates the `/v1` responses a recording proxy saw against the OpenAPI description. */
import { matchTemplate, validateResponse } from "./openapi.js";
import type { Exchange } from "./recording-proxy.js";

/** Totals of the response audit of one harness. */
export interface AuditTotals {
  /** Responses validated against the spec so far. */
  validated: number;
  /** "METHOD template status" of every validated response. */
  seen: Set<string>;
}

/**
 * Validates every `/v1` exchange recorded since the last call: a spec operation must exist for
 * it, its body must match the response schema for its status, and `Request-Id` must be present.
 * Dropped connections are skipped (there is no response). Throws listing all failures.
 */
export function auditExchanges(exchanges: Exchange[], from: number, totals: AuditTotals): number {
  const failures: string[] = [];
  for (const ex of exchanges.slice(from)) {
    if (ex.status === undefined || !ex.path.startsWith("/v1/")) continue;
    const template = matchTemplate(ex.method, ex.path);
    if (template === undefined) {
      failures.push(`${ex.method} ${ex.path}: no such operation in openapi-fc.json`);
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(ex.body);
    } catch {
      failures.push(
        `${ex.method} ${ex.path} -> ${ex.status}: body is not JSON: ${ex.body.slice(0, 200)}`,
      );
      continue;
    }
    const result = validateResponse(ex.method, template, ex.status, body);
    if (!result.ok)
      failures.push(
        `${ex.method} ${ex.path} -> ${ex.status}:\n    ${result.errors.join("\n    ")}`,
      );
    if (!ex.headers["request-id"])
      failures.push(`${ex.method} ${ex.path} -> ${ex.status}: no Request-Id header`);
    totals.validated += 1;
    totals.seen.add(`${ex.method} ${template} ${ex.status}`);
  }
  if (failures.length > 0) {
    throw new Error(`responses not matching the OpenAPI description:\n  ${failures.join("\n  ")}`);
  }
  return exchanges.length;
}
