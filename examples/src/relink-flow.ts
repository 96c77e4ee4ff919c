/**
 * The relink flow: create a relink session for a broken account, hand its client secret to
 * Stripe.js `collectFinancialConnectionsAccounts`, then read the outcome and what changed.
 */
import type { Stripe } from "@stripe/stripe-js";
import type {
  CreateRelinkSessionMutation,
  RelinkOutcomeQuery as RelinkOutcomeResult,
} from "../gql/graphql.js";
import { graphql } from "../gql/index.js";
import { documentIdOf } from "./document-id.js";

/** Creates the session; the payload's clientSecret is for Stripe.js only (never store or log it). */
export const CreateRelinkSession = graphql(`
  mutation CreateRelinkSession($accountId: ID!) {
    createRelinkSession(input: { accountId: $accountId, permissions: [BALANCES, TRANSACTIONS] }) {
      clientSecret
      relinkSession {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

/** After Stripe.js returns: how the relink ended and which accounts work again. */
export const RelinkOutcomeQuery = graphql(`
  query RelinkOutcome($id: ID!) {
    relinkSession(id: $id) {
      status
      outcome
      reconciliation {
        reactivatedAccounts {
          id
          displayName
        }
        stillInactiveAccounts {
          id
          displayName
          health {
            message
          }
        }
        newAccounts {
          id
          displayName
        }
      }
    }
  }
`);

/** Sends a document by its id (`{ documentId, variables }`) and resolves with the answer's `data`. */
type Post = <T>(documentId: string, variables: Record<string, unknown>) => Promise<T>;

/**
 * Runs the whole flow for one account. `post` sends an operation, by its id, to the gateway
 * with the customer's token; `stripe` is the result of `loadStripe(publishableKey)`.
 */
export async function relinkAccount(post: Post, stripe: Stripe, accountId: string) {
  const created = await post<CreateRelinkSessionMutation>(documentIdOf(CreateRelinkSession), {
    accountId,
  });
  const payload = created.createRelinkSession;
  // Null when Stripe refused or failed the creation: the response's top-level error has the code.
  if (!payload) {
    return {
      ok: false as const,
      errors: [
        { code: "NOT_CREATED", field: null, message: "No session was created; retry later." },
      ],
    };
  }
  if (payload.userErrors.length > 0 || !payload.clientSecret || !payload.relinkSession) {
    return { ok: false as const, errors: payload.userErrors };
  }
  const result = await stripe.collectFinancialConnectionsAccounts({
    clientSecret: payload.clientSecret,
  });
  if (result.error)
    return {
      ok: false as const,
      errors: [{ code: "STRIPE_JS", field: null, message: result.error.message ?? "" }],
    };
  const outcome = await post<RelinkOutcomeResult>(documentIdOf(RelinkOutcomeQuery), {
    id: payload.relinkSession.id,
  });
  return { ok: true as const, outcome: outcome.relinkSession };
}
