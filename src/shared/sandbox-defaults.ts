/**
 * Plain data shared by the gateway and the sandbox (with stripe/event-types.ts, the event type
 * names, the only modules both may import): development defaults.
 * Nothing here is a secret in the real sense: these values exist so that a gateway and a
 * sandbox started on one machine without configuration can talk to each other. The gateway
 * refuses them with a real Stripe key (test or live) and in production.
 */

/** The Stripe-Version the gateway sends by default and the sandbox renders by default. */
export const PREVIEW_API_VERSION = "2026-07-29.preview";

/** Port of the sandbox when none is configured (the same as stripe-mock's). */
export const DEFAULT_SANDBOX_PORT = 12111;

/**
 * Most extra generated accounts a sandbox may be seeded with (SANDBOX_SEED_SIZE, `seedSize`): the
 * one bound of the gateway's embedded sandbox and the standalone one alike.
 */
export const MAX_SANDBOX_SEED_SIZE = 1_000_000;

/** API key the gateway uses against the embedded sandbox (the sandbox accepts any `sk_test_` key). */
export const SANDBOX_DEV_API_KEY = "sk_test_sandboxDevKey000000000000";

/** Webhook signing secret shared by the embedded sandbox and the gateway in development. */
export const SANDBOX_DEV_WEBHOOK_SECRET = "whsec_sandboxDevSecretNotForProduction00";
