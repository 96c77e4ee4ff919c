import { SANDBOX_DEV_API_KEY } from "../shared/sandbox-defaults.js";
import type { Env } from "./env-schema.js";

/**
 * What the environment says about where the gateway runs, as far as the public development
 * secrets (the sandbox's webhook secret, the dev JWT secret) are concerned.
 *
 * - Embedded sandbox mode: neither STRIPE_SECRET_KEY nor STRIPE_API_BASE is set (`npm start`).
 *   The gateway starts its own sandbox, which signs its events with the gateway's first webhook
 *   secret; only here may STRIPE_WEBHOOK_SECRET be left unset (the dev secret is then used).
 * - A real Stripe key: STRIPE_SECRET_KEY is set to anything but the sandbox's dev key, test and
 *   live keys alike (a real `sk_test_` account also delivers real events to real endpoints).
 * - STRIPE_API_BASE without a key (a standalone sandbox, stripe-mock): not embedded, so
 *   STRIPE_WEBHOOK_SECRET is required; outside production it may be the dev secret, which a
 *   standalone sandbox signs with by default.
 *
 * With a real key or in production, the public dev secrets are refused, even when set explicitly.
 */
export interface Deployment {
  embeddedSandbox: boolean;
  realStripeKey: boolean;
  production: boolean;
  /** A real Stripe key or production: the public development secrets are refused. */
  refusesPublicSecrets: boolean;
}

/** Classifies the validated environment (see `Deployment` for the definitions). */
export function deploymentOf(env: Env): Deployment {
  const realStripeKey =
    env.STRIPE_SECRET_KEY !== undefined && env.STRIPE_SECRET_KEY !== SANDBOX_DEV_API_KEY;
  const production = env.NODE_ENV === "production";
  return {
    embeddedSandbox: env.STRIPE_SECRET_KEY === undefined && env.STRIPE_API_BASE === undefined,
    realStripeKey,
    production,
    refusesPublicSecrets: realStripeKey || production,
  };
}
