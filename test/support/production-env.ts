/**
 * The environment of a production-like gateway in tests: NODE_ENV=production with a (fake) real
 * test key, so every production rule applies (no dev JWT secret, no dev webhook secret).
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: "production",
  STRIPE_SECRET_KEY: "sk_test_prodLike123",
  AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-chars",
  STRIPE_WEBHOOK_SECRET: "whsec_productionEndpointSecret01",
};
