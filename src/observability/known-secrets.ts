import type { GatewayConfig } from "../config/config.js";

/**
 * The configured secret values the logger blanks wherever they appear in a line (see
 * `createLogger`): the Stripe key, the webhook secrets, the HS256 token secret (unless it is the
 * public dev one), the metrics token and Apollo's API key (APOLLO_KEY, read by Apollo itself). Pass the result to `createLogger` as `knownSecrets`.
 */
export function knownSecretsOf(config: GatewayConfig): string[] {
  const auth = config.auth;
  return [
    config.stripe.target.apiKey,
    ...config.webhookSecrets,
    ...(auth.mode === "hs256" && !auth.usingDevSecret ? [auth.secret] : []),
    ...(config.metrics.token === undefined ? [] : [config.metrics.token]),
    ...(config.apolloKey === undefined ? [] : [config.apolloKey]),
  ];
}
