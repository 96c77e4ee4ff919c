/** The real `stripe` SDK, pointed at a local sandbox, and helpers around its calls and errors. */
import qs from "qs";
import Stripe from "stripe";
import { PREVIEW_API_VERSION } from "../../src/shared/sandbox-defaults.js";

/** A key the sandbox accepts (any `sk_test_` + letters/digits). */
export const TEST_KEY = "sk_test_contractSuite0001";

/** A `stripe` SDK client speaking plain HTTP to `port` on 127.0.0.1, no retries. */
export function stripeClient(port: number, key: string = TEST_KEY, timeoutMs = 5_000): Stripe {
  return new Stripe(key, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    apiVersion: PREVIEW_API_VERSION as Stripe.LatestApiVersion,
    maxNetworkRetries: 0,
    timeout: timeoutMs,
  });
}

/**
 * `stripe.rawRequest` for any method: stripe-node only sends params in POST bodies, so GET
 * params are encoded into the query string the way Stripe expects (`a[b]=c`, `a[0]=x`).
 * Resolves with the parsed JSON body; rejects with the SDK's typed errors.
 */
export async function rawRequest(
  stripe: Stripe,
  method: "GET" | "POST" | "DELETE",
  path: string,
  params: Record<string, unknown> = {},
): Promise<unknown> {
  if (method === "POST") return (await stripe.rawRequest(method, path, params)) as unknown;
  const query = qs.stringify(params, { arrayFormat: "indices", encodeValuesOnly: true });
  return (await stripe.rawRequest(method, query ? `${path}?${query}` : path)) as unknown;
}

/** Expects `promise` to reject with a Stripe error of class `type`; returns the error. */
export async function stripeError<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(
      `expected ${type.name}, got ${String(error)} (${(error as Error).constructor?.name})`,
    );
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}
