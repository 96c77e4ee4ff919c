import Stripe from "stripe";
import type { FairStripeLimiter } from "./fair-limiter.js";
import { createGatedHttpClient } from "./gated-http-client.js";

/** What the Stripe client factory needs: where Stripe is, which key and version, and how patient to be. */
export interface StripeClientOptions {
  apiKey: string;
  /** Base URL of a Stripe-compatible API (the sandbox, stripe-mock); undefined means api.stripe.com. */
  apiBase: string | undefined;
  apiVersion: string;
  timeoutMs: number;
  /** stripe-node's own retries (connection errors, 409, 5xx with Stripe-Should-Retry); not plain 429s. */
  maxNetworkRetries: number;
  /**
   * The rate limiter every HTTP request waits on (first attempts and every retry, ours and
   * stripe-node's); undefined sends without waiting.
   */
  limiter?: FairStripeLimiter | undefined;
}

/**
 * The one place a `Stripe` SDK instance is built. Pins the API version (a preview version, so
 * `relink_options` and authorizations exist), sets an explicit timeout instead of stripe-node's 80 s,
 * points the SDK at `apiBase` when given, and puts `limiter` in front of every HTTP request. Throws on a malformed `apiBase`.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase === undefined ? undefined : new URL(options.apiBase);
  const protocol = base?.protocol === "http:" ? "http" : "https";
  const config: Stripe.StripeConfig = {
    // The SDK's types only name its own GA version; a preview version is a deliberate choice here.
    apiVersion: options.apiVersion as Stripe.StripeConfig["apiVersion"],
    timeout: options.timeoutMs,
    maxNetworkRetries: options.maxNetworkRetries,
    telemetry: false,
    ...(options.limiter === undefined
      ? {}
      : { httpClient: createGatedHttpClient(options.limiter) }),
    appInfo: { name: "fc-relink-gateway", version: "0.1.0" },
    ...(base === undefined
      ? {}
      : {
          host: base.hostname,
          port: base.port === "" ? (protocol === "http" ? 80 : 443) : Number(base.port),
          protocol,
        }),
  };
  return new Stripe(options.apiKey, config);
}
