import { SignJWT } from "jose";
import type { AuthConfig } from "../config/auth-config.js";

/** What a development token says. */
export interface DevTokenClaims {
  customerId?: string;
  /** Extra scopes, e.g. the service scope. */
  scopes?: string[];
  /** Lifetime in seconds; default one hour. */
  ttlSeconds?: number;
}

/**
 * Signs an HS256 token that the gateway configured with `config` accepts. Only for HS256 modes
 * (development and tests); rejects for JWKS mode, whose private keys live with the issuer.
 */
export async function signToken(config: AuthConfig, claims: DevTokenClaims): Promise<string> {
  if (config.mode !== "hs256") throw new Error("Tokens can only be signed here in HS256 mode.");
  const payload: Record<string, unknown> = {};
  if (claims.customerId !== undefined) payload[config.customerClaim] = claims.customerId;
  if (claims.scopes !== undefined) payload.scope = claims.scopes.join(" ");
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setSubject(claims.customerId ?? "service")
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(config.secret));
}
