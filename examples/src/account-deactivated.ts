/**
 * The `accountDeactivated` subscription over graphql-ws: tell the user the moment one of their
 * accounts stops working, with the sentence to show and what to do.
 */
import { createClient } from "graphql-ws";
import type { AccountDeactivatedSubscription } from "../gql/graphql.js";
import { graphql } from "../gql/index.js";
import { documentIdOf } from "./document-id.js";

/** Pushed when one of the signed-in customer's accounts is deactivated. */
export const AccountDeactivated = graphql(`
  subscription AccountDeactivated {
    accountDeactivated {
      eventId
      occurredAt
      cause
      action
      account {
        id
        displayName
        health {
          state
          message
        }
      }
    }
  }
`);

/** Subscribes with the customer's token; calls `onEvent` for each deactivation. Returns an unsubscribe function. */
export function watchDeactivations(
  wsUrl: string,
  token: string,
  onEvent: (event: AccountDeactivatedSubscription["accountDeactivated"]) => void,
): () => void {
  const client = createClient({
    url: wsUrl,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  // By id: graphql-ws requires a string `query`, empty when the document is named by `documentId`.
  const payload = { query: "", documentId: documentIdOf(AccountDeactivated) };
  const unsubscribe = client.subscribe<AccountDeactivatedSubscription>(payload, {
    next: (result) => {
      if (result.data) onEvent(result.data.accountDeactivated);
    },
    error: (error) => console.error("subscription failed", error),
    complete: () => {},
  });
  return () => {
    unsubscribe();
    void client.dispose();
  };
}
