import { createTokenVerifier } from "../../src/auth/token-verifier.js";
import { authenticate } from "../../src/auth/viewer-from-request.js";
import type { GatewayConfig } from "../../src/config/config.js";
import { createStripeClient } from "../../src/stripe/client.js";
import { createFcApi } from "../../src/stripe/fc-api.js";
import { DEFAULT_RATE_LIMIT_RETRY } from "../../src/stripe/rate-limit-retry.js";
import { type ServedGraphQL, serveGraphQL } from "../serve.js";
import { type NaiveContext, naiveResolvers } from "./resolvers.js";

/**
 * Starts the naive server (see `naiveResolvers`) over the gateway's SDL on an ephemeral port. It
 * authenticates bearer tokens as the gateway does and reaches `stripeApiBase` with a Stripe
 * client built from the same settings, so the two differ only in resolvers and data access.
 * Resolves once it listens.
 */
export function startNaiveServer(
  config: GatewayConfig,
  stripeApiBase: string,
): Promise<ServedGraphQL> {
  const stripe = createStripeClient({
    apiKey: config.stripe.target.apiKey,
    apiBase: stripeApiBase,
    apiVersion: config.stripe.apiVersion,
    timeoutMs: config.stripe.timeoutMs,
    maxNetworkRetries: config.stripe.maxRetries,
  });
  const fc = createFcApi(stripe, DEFAULT_RATE_LIMIT_RETRY);
  const verify = createTokenVerifier(config.auth);
  return serveGraphQL<NaiveContext>({
    resolvers: naiveResolvers,
    context: async (request) => {
      const auth = await authenticate(verify, request.authorization, undefined);
      return { fc, customerId: auth.status === "authenticated" ? auth.viewer.customerId : null };
    },
  });
}
