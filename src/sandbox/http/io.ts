import type { IncomingMessage, ServerResponse } from "node:http";
import { PREVIEW_API_VERSION } from "../../shared/sandbox-defaults.js";
import { TransitionError } from "../state/errors.js";
import type { JsonObject } from "../state/json.js";
import { StripeError } from "./errors.js";

/** Larger bodies are refused: nothing the FC API takes comes close. */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * The request body as text. Rejects with a 413 StripeError beyond MAX_BODY_BYTES (and stops
 * reading), or with the stream's error.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        request.resume();
        reject(new StripeError(413, "invalid_request_error", "The request body is too large."));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Sends a JSON body (a string is sent as is) with the given extra headers. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: JsonObject | string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, no-store",
    ...headers,
  });
  response.end(text);
}

/**
 * Any thrown value as a StripeError: StripeErrors pass through, state TransitionErrors become
 * 400 invalid_request_error, anything else is a bug reported as a 500 api_error.
 */
export function toStripeError(error: unknown): StripeError {
  if (error instanceof StripeError) return error;
  if (error instanceof TransitionError) {
    return new StripeError(
      error.status,
      "invalid_request_error",
      error.message,
      error.code,
      error.param,
    );
  }
  console.error("sandbox: unexpected error", error);
  return new StripeError(500, "api_error", "An unknown error occurred in the sandbox.");
}

/** The Stripe-Version to echo: the one the client asked for, or the preview version rendered. */
export function stripeVersionOf(request: IncomingMessage): string {
  const asked = request.headers["stripe-version"];
  return typeof asked === "string" && asked ? asked : PREVIEW_API_VERSION;
}

/** Resolves after `ms`, or early (without error) when `signal` aborts: used for injected delays. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
