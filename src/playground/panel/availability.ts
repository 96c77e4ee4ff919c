import type { AuthConfig } from "../../config/auth-config.js";
import type { GatewayConfig } from "../../config/config.js";

/** What the development sandbox panel needs: where the embedded sandbox is and how to sign. */
export interface SandboxPanelTarget {
  /** Base URL of the embedded sandbox, whose control API (`/_sandbox/...`) the panel proxies. */
  sandboxUrl: string;
  /** HS256 token settings the development token endpoint signs with. */
  auth: Extract<AuthConfig, { mode: "hs256" }>;
}

/**
 * Whether the sandbox panel (beside GraphiQL), its assets, its control proxy and its development
 * token endpoint exist, and with what. Only all at once: outside production, with the playground
 * on, with the embedded sandbox (no STRIPE_SECRET_KEY, no STRIPE_API_BASE: the gateway's Stripe
 * is the sandbox `npm start` launched) and HS256 tokens. Any real Stripe key, any external
 * STRIPE_API_BASE, production or JWKS tokens: undefined, and none of the panel's routes is mounted
 * (they answer the gateway's 404).
 */
export function sandboxPanelTarget(
  config: GatewayConfig,
  stripeApiBase: string | undefined,
): SandboxPanelTarget | undefined {
  if (config.production || !config.graphql.landingPage) return undefined;
  if (config.stripe.target.kind !== "embedded-sandbox" || stripeApiBase === undefined) {
    return undefined;
  }
  if (config.auth.mode !== "hs256") return undefined;
  return { sandboxUrl: stripeApiBase.replace(/\/+$/, ""), auth: config.auth };
}
