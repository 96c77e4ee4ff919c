import type { JsonObject } from "../state/json.js";

/** The `error.type` values Stripe's OpenAPI description allows. */
export const STRIPE_ERROR_TYPES = [
  "api_error",
  "card_error",
  "idempotency_error",
  "invalid_request_error",
] as const;

/** One of Stripe's `error.type` values. */
export type StripeErrorType = (typeof STRIPE_ERROR_TYPES)[number];

const DOC_BASE = "https://docs.stripe.com/error-codes/";

/**
 * An error that the sandbox answers in Stripe's shape: `{"error":{type,code,param,message,doc_url}}`
 * with the given HTTP status. Thrown anywhere below the HTTP layer, caught once by the dispatcher.
 */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = "StripeError";
  }

  /** The response body, exactly as Stripe lays it out (optional keys only when they apply). */
  toBody(): JsonObject {
    const error: JsonObject = {};
    if (this.code) {
      error.code = this.code;
      error.doc_url = `${DOC_BASE}${this.code.replace(/_/g, "-")}`;
    }
    error.message = this.message;
    if (this.param) error.param = this.param;
    error.type = this.type;
    return { error };
  }
}

/** 404 `resource_missing` for an unknown id, e.g. "No such financial_connections.account: 'fca_x'". */
export function resourceMissing(
  objectName: string,
  id: string,
  param: string,
  status = 404,
): StripeError {
  return new StripeError(
    status,
    "invalid_request_error",
    `No such ${objectName}: '${id}'`,
    "resource_missing",
    param,
  );
}

/** 400 `parameter_unknown`, Stripe's answer to a parameter the endpoint does not take. */
export function parameterUnknown(param: string): StripeError {
  return new StripeError(
    400,
    "invalid_request_error",
    `Received unknown parameter: ${param}`,
    "parameter_unknown",
    param,
  );
}

/** 400 `parameter_missing` for a required parameter that was not sent. */
export function parameterMissing(param: string): StripeError {
  return new StripeError(
    400,
    "invalid_request_error",
    `Missing required param: ${param}.`,
    "parameter_missing",
    param,
  );
}

/** 400 `parameter_invalid_integer` for a value that is not an integer. */
export function invalidInteger(param: string, value: string): StripeError {
  return new StripeError(
    400,
    "invalid_request_error",
    `Invalid integer: ${value}`,
    "parameter_invalid_integer",
    param,
  );
}

/** 400 for any other invalid value (bad enum, wrong shape...), naming the parameter. */
export function invalidParam(param: string, message: string, code?: string): StripeError {
  return new StripeError(400, "invalid_request_error", message, code, param);
}

/** 404 for a URL the API does not serve, worded as Stripe does. */
export function unrecognizedUrl(method: string, path: string): StripeError {
  return new StripeError(
    404,
    "invalid_request_error",
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

/**
 * The error an injected fault answers with: what Stripe sends for that status, or, when the fault
 * names a `type`, `code` or `param`, that error (a 404 without `resource_missing`, a 400 naming a
 * parameter, an `idempotency_error`).
 */
export function faultError(
  status: number,
  shape?: { type: StripeErrorType | null; code: string | null; param: string | null },
): StripeError {
  if (shape && (shape.type !== null || shape.code !== null || shape.param !== null)) {
    return new StripeError(
      status,
      shape.type ?? (status >= 500 ? "api_error" : "invalid_request_error"),
      `The sandbox injected a ${status} fault${shape.code === null ? "" : ` (${shape.code})`}.`,
      shape.code ?? undefined,
      shape.param ?? undefined,
    );
  }
  if (status === 429) {
    return new StripeError(
      429,
      "invalid_request_error",
      "Request rate limit exceeded. You can learn more about rate limits here https://docs.stripe.com/rate-limits.",
      "rate_limit",
    );
  }
  if (status >= 500) {
    return new StripeError(
      status,
      "api_error",
      "An unknown error occurred. Please try again later (the sandbox injected this fault).",
    );
  }
  return new StripeError(
    status,
    "invalid_request_error",
    `The sandbox injected a ${status} fault.`,
  );
}
