/**
 * Development defaults for token authentication. The dev secret is public (it is in this file):
 * the gateway accepts it only without a real Stripe key and outside production (see
 * `Deployment`), so that `npm start` and `npm run token` work together with no set-up.
 */
export const DEV_JWT_SECRET = "fc-gateway-dev-secret-not-for-production-0000";

/** Issuer (`iss`) expected and issued when AUTH_ISSUER is unset. */
export const DEFAULT_ISSUER = "fc-relink-gateway";

/** Audience (`aud`) expected and issued when AUTH_AUDIENCE is unset. */
export const DEFAULT_AUDIENCE = "fc-relink-gateway";
