import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { AuthConfig } from "./auth-config.js";

/** Who a verified token speaks for. */
export type Identity =
  | { kind: "customer"; customerId: string; expiresAt: number | undefined }
  | { kind: "service"; subject: string; expiresAt: number | undefined };

/** A token was missing, malformed, expired, wrongly signed, or for another issuer or audience. */
export class AuthenticationFailed extends Error {
  override name = "AuthenticationFailed";
}

const CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;
const HS_ALGORITHMS = ["HS256"];
const ASYMMETRIC_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];

/** Verifies one bearer token; rejects with AuthenticationFailed (a message safe to return). */
export type TokenVerifier = (token: string) => Promise<Identity>;

const scopesOf = (payload: JWTPayload): string[] => {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === "string") return scope.split(" ").filter(Boolean);
  return Array.isArray(scope)
    ? scope.filter((item): item is string => typeof item === "string")
    : [];
};

/**
 * Builds the verifier for the configured mode (HS256 secret or JWKS URL). Signature, `exp`,
 * `iss` and `aud` are always checked, and only the mode's algorithms are accepted (so
 * `alg: none` and algorithm confusion fail). A token is a customer's when its customer claim
 * holds a `cus_` id, a service's when it carries the service scope; anything else fails.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const key =
    config.mode === "hs256"
      ? new TextEncoder().encode(config.secret)
      : createRemoteJWKSet(new URL(config.jwksUrl));
  const algorithms = config.mode === "hs256" ? HS_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ["exp"],
      }));
    } catch {
      throw new AuthenticationFailed("The bearer token is invalid or expired.");
    }
    const customer = payload[config.customerClaim];
    if (typeof customer === "string" && CUSTOMER_ID.test(customer)) {
      return { kind: "customer", customerId: customer, expiresAt: payload.exp };
    }
    if (scopesOf(payload).includes(config.serviceScope)) {
      return { kind: "service", subject: payload.sub ?? "service", expiresAt: payload.exp };
    }
    throw new AuthenticationFailed("The bearer token names no Stripe customer.");
  };
}
