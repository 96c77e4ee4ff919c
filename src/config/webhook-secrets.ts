import { SANDBOX_DEV_WEBHOOK_SECRET } from "../shared/sandbox-defaults.js";
import type { Deployment } from "./deployment.js";

/** A refused webhook secret setting, named by its environment variable. */
export interface WebhookSecretProblem {
  variable: "STRIPE_WEBHOOK_SECRET";
  message: string;
}

/**
 * Resolves the secrets accepted on `/webhooks/stripe` from STRIPE_WEBHOOK_SECRET (already split
 * and validated). Unset, it defaults to the sandbox's dev secret in embedded sandbox mode only,
 * and is required anywhere else. The dev secret is refused with a real Stripe key or in
 * production, even among several. Messages never echo a secret.
 */
export function resolveWebhookSecrets(
  configured: string[],
  deployment: Deployment,
): string[] | WebhookSecretProblem {
  if (configured.length === 0) {
    if (deployment.embeddedSandbox) return [SANDBOX_DEV_WEBHOOK_SECRET];
    return {
      variable: "STRIPE_WEBHOOK_SECRET",
      message:
        "required outside the embedded sandbox (STRIPE_SECRET_KEY or STRIPE_API_BASE is set); set it to your endpoint's signing secret (whsec_…) from the Stripe dashboard, or to the secret your standalone sandbox signs with",
    };
  }
  if (deployment.refusesPublicSecrets && configured.includes(SANDBOX_DEV_WEBHOOK_SECRET)) {
    return {
      variable: "STRIPE_WEBHOOK_SECRET",
      message:
        "the sandbox's public dev secret is refused with a real Stripe key or in production (anyone could sign events with it); set only your endpoint's signing secret (whsec_…) from the Stripe dashboard",
    };
  }
  return configured;
}
