import type { IncomingHttpHeaders } from "node:http";
import type { OperationRequest } from "../pipeline/runner.js";

/**
 * An HTTP request as the context function reads it, whatever server received it: its method,
 * headers (Node's, lower-case names), parsed JSON body (undefined without one) and query string.
 */
export interface HttpRequestShape {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The URL's query string, `?` included or empty. */
  search: string;
  /** Settles once the request's answer is written, whatever answered it (Apollo included). */
  answered?: Promise<void>;
}

/** A JSON-encoded GET parameter (`extensions`), decoded; undefined when it is not JSON. */
function decodedParameter(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * The operation an HTTP request carries, as the pipeline reads it: a POST's JSON body, or a
 * GET's parameters (`extensions` decoded). Null for a body that is not one JSON object (a batch,
 * text): Apollo refuses those itself, before parsing anything.
 */
export function operationRequestOf(req: HttpRequestShape): OperationRequest | null {
  if (req.method === "GET") {
    const parameters = new URLSearchParams(req.search);
    const parameter = (name: string) => parameters.get(name) ?? undefined;
    return {
      query: parameter("query"),
      operationName: parameter("operationName"),
      variables: parameter("variables"),
      documentId: parameter("documentId"),
      extensions: decodedParameter(parameter("extensions")),
    };
  }
  const body: unknown = req.body;
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as OperationRequest)
    : null;
}

/** A header's value (the first, if repeated), as Express's `req.header` gives it. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
