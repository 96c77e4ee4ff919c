import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, DEV_JWT_SECRET } from "./auth-dev-defaults.js";
import { deploymentOf } from "./deployment.js";
import type { Env } from "./env-schema.js";

/** How bearer tokens are verified. */
export type AuthConfig = {
  issuer: string;
  audience: string;
  /** The claim that names the viewer's Stripe customer (`cus_…`). */
  customerClaim: string;
  /** The scope that lets a service token act as any customer, named per request. */
  serviceScope: string;
  /** Longest lifetime (`exp - iat`, seconds) a token may have (AUTH_MAX_TOKEN_AGE). */
  maxTokenAgeSeconds: number;
} & (
  | { mode: "hs256"; secret: string; usingDevSecret: boolean }
  | { mode: "jwks"; jwksUrl: string }
);

/**
 * Resolves token verification from the environment, or returns the problem as
 * `{ variable, message }`. The public dev secret is the default only without a real Stripe key
 * and outside production (see `Deployment`); there it is refused outright, even when set
 * explicitly.
 */
export function resolveAuthConfig(env: Env): AuthConfig | { variable: string; message: string } {
  const common = {
    issuer: env.AUTH_ISSUER ?? DEFAULT_ISSUER,
    audience: env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE,
    customerClaim: env.AUTH_CUSTOMER_CLAIM,
    serviceScope: env.AUTH_SERVICE_SCOPE,
    maxTokenAgeSeconds: env.AUTH_MAX_TOKEN_AGE,
  };
  const { refusesPublicSecrets } = deploymentOf(env);
  if (env.AUTH_JWKS_URL !== undefined && env.AUTH_JWT_SECRET !== undefined) {
    return {
      variable: "AUTH_JWKS_URL",
      message: "set either AUTH_JWKS_URL or AUTH_JWT_SECRET, not both",
    };
  }
  if (env.AUTH_JWKS_URL !== undefined)
    return { ...common, mode: "jwks", jwksUrl: env.AUTH_JWKS_URL };
  if (env.AUTH_JWT_SECRET !== undefined) {
    if (env.AUTH_JWT_SECRET === DEV_JWT_SECRET && refusesPublicSecrets) {
      return {
        variable: "AUTH_JWT_SECRET",
        message:
          "the public dev secret is refused with a real Stripe key or in production (anyone could sign tokens with it); set a random secret of at least 32 characters, or use AUTH_JWKS_URL",
      };
    }
    if (env.AUTH_JWT_SECRET.length < 32) {
      return { variable: "AUTH_JWT_SECRET", message: "must be at least 32 characters for HS256" };
    }
    return { ...common, mode: "hs256", secret: env.AUTH_JWT_SECRET, usingDevSecret: false };
  }
  if (refusesPublicSecrets) {
    return {
      variable: "AUTH_JWT_SECRET",
      message:
        "AUTH_JWT_SECRET or AUTH_JWKS_URL is required with a real Stripe key or in production (the public dev secret is refused there); set one of them",
    };
  }
  return { ...common, mode: "hs256", secret: DEV_JWT_SECRET, usingDevSecret: true };
}
