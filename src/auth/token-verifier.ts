import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import type { AuthConfig } from "../config/auth-config.js";
import { cacheVerifiedTokens } from "./verified-token-cache.js";

/** Who a verified token speaks for. */
export type Identity =
  | { kind: "customer"; customerId: string; expiresAt: number | undefined }
  | { kind: "service"; subject: string; expiresAt: number | undefined };

/** A token was missing, malformed, expired, wrongly signed, or for another issuer or audience. */
export class AuthenticationFailed extends Error {
  override name = "AuthenticationFailed";
}

const CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;
/** How far in the future a token's `iat` may be: clock skew between its issuer and the gateway. */
export const IAT_CLOCK_SKEW_SECONDS = 60;
const HS_ALGORITHMS = ["HS256"];
const ASYMMETRIC_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];

/**
 * Verifies one bearer token: its identity, answered now when the verifier already knows the token
 * (a remembered one: `cacheVerifiedTokens`), else a promise of it that rejects with
 * AuthenticationFailed (a message safe to return). Never throws.
 */
export type TokenVerifier = (token: string) => Identity | Promise<Identity>;

const scopesOf = (payload: JWTPayload): string[] => {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === "string") return scope.split(" ").filter(Boolean);
  return Array.isArray(scope)
    ? scope.filter((item): item is string => typeof item === "string")
    : [];
};

/**
 * Why a verified token's lifetime is refused, or undefined: `iat` more than
 * IAT_CLOCK_SKEW_SECONDS in the future, or `exp - iat` over `maxAgeSeconds`.
 */
function lifetimeProblem(
  issuedAt: number,
  expiresAt: number,
  maxAgeSeconds: number,
  nowMs: number,
): string | undefined {
  if (issuedAt > nowMs / 1000 + IAT_CLOCK_SKEW_SECONDS) {
    return "The bearer token's issued-at time (iat) is in the future.";
  }
  if (expiresAt - issuedAt > maxAgeSeconds) {
    return "The bearer token's lifetime (exp - iat) is longer than this gateway accepts.";
  }
  return undefined;
}

/**
 * Builds the verifier for the configured mode (HS256 secret or JWKS URL). Signature, `exp`,
 * `iat`, `iss` and `aud` are always checked, and only the mode's algorithms are accepted (so
 * `alg: none` and algorithm confusion fail). `exp` and `iat` are required: the lifetime
 * (`exp - iat`) may not exceed `maxTokenAgeSeconds`, and `iat` may be at most
 * IAT_CLOCK_SKEW_SECONDS in the future. A token is a customer's when its customer claim holds a
 * `cus_` id, a service's when it carries the service scope; anything else fails.
 * Accepted tokens are remembered until their `exp` (`cacheVerifiedTokens`), so a client's repeated
 * requests pay one signature check; `options.now` is the clock of both (tests), Date.now by default.
 */
export function createTokenVerifier(
  config: AuthConfig,
  options: { now?: () => number } = {},
): TokenVerifier {
  const key =
    config.mode === "hs256"
      ? new TextEncoder().encode(config.secret)
      : createRemoteJWKSet(new URL(config.jwksUrl));
  const algorithms = config.mode === "hs256" ? HS_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  const verify = async (token: string, nowMs: number): Promise<Identity> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        currentDate: new Date(nowMs),
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ["exp", "iat"],
      }));
    } catch (error) {
      // Claims are checked after the signature: this detail goes only to the token's holder.
      const noIssuedAt = error instanceof errors.JWTClaimValidationFailed && error.claim === "iat";
      throw new AuthenticationFailed(
        noIssuedAt
          ? "The bearer token has no valid issued-at time (iat)."
          : "The bearer token is invalid or expired.",
      );
    }
    // jose checked that both are present and numbers.
    const refused = lifetimeProblem(
      payload.iat as number,
      payload.exp as number,
      config.maxTokenAgeSeconds,
      nowMs,
    );
    if (refused !== undefined) throw new AuthenticationFailed(refused);
    const customer = payload[config.customerClaim];
    if (typeof customer === "string" && CUSTOMER_ID.test(customer)) {
      return { kind: "customer", customerId: customer, expiresAt: payload.exp };
    }
    if (scopesOf(payload).includes(config.serviceScope)) {
      return { kind: "service", subject: payload.sub ?? "service", expiresAt: payload.exp };
    }
    throw new AuthenticationFailed("The bearer token names no Stripe customer.");
  };
  return cacheVerifiedTokens(verify, { now: options.now });
}
