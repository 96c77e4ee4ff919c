/**
 * The account-health query: which of my linked accounts need attention, why, and what to do.
 * Copy it into a frontend that uses graphql-codegen's client preset; `graphql()` returns a typed
 * document, so `data` below is fully typed.
 */
import { graphql } from "../gql/index.js";
import { documentIdOf } from "./document-id.js";

/** Every linked account of the signed-in customer with its health and authorization. */
export const AccountHealthQuery = graphql(`
  query AccountHealth($first: Int = 50) {
    accounts(first: $first) {
      nodes {
        id
        displayName
        institutionName
        last4
        status
        health {
          state
          cause
          action
          needsAttention
          expectedDeactivationAt
          message
        }
        authorization {
          id
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/**
 * Fetches the account health with the customer's bearer token, by the document's id (the
 * gateway runs it from its trusted documents manifest); returns the accounts that need attention.
 */
export async function accountsNeedingAttention(gatewayUrl: string, token: string) {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      documentId: documentIdOf(AccountHealthQuery),
      variables: { first: 50 },
    }),
  });
  const { data } = (await response.json()) as {
    data?: import("../gql/graphql.js").AccountHealthQuery;
  };
  return (data?.accounts.nodes ?? []).filter((account) => account.health.needsAttention);
}
