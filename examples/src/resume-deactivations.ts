/**
 * A subscription that resumes where it left off: graphql-ws reconnects with its own retry logic,
 * and each new subscribe sends the last event's cursor as `after`, so the deactivations missed
 * meanwhile arrive first, in order and once each. CURSOR_EXPIRED means they are no longer all
 * kept: reload the dashboard's data, then follow live again.
 */
import { createClient } from "graphql-ws";
import type { ResumeDeactivationsSubscription } from "../gql/graphql.js";
import { graphql } from "../gql/index.js";
import { documentIdOf } from "./document-id.js";

/** Deactivations of the signed-in customer's accounts, after `after` when given. */
export const ResumeDeactivations = graphql(`
  subscription ResumeDeactivations($after: String) {
    accountDeactivated(after: $after) {
      cursor
      eventId
      account {
        id
        health {
          state
          message
        }
      }
    }
  }
`);

type Deactivation = ResumeDeactivationsSubscription["accountDeactivated"];

/**
 * Follows deactivations across reconnects: graphql-ws re-sends the same subscribe payload after
 * each reconnect, so keeping the last cursor in its variables is all it takes. On CURSOR_EXPIRED
 * `reload` refetches the dashboard and the subscription follows live again. Returns a stop function.
 */
export function followDeactivations(
  wsUrl: string,
  token: string,
  onEvent: (event: Deactivation) => void,
  reload: () => void,
): () => void {
  const client = createClient({
    url: wsUrl,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Number.POSITIVE_INFINITY,
  });
  const variables: { after: string | null } = { after: null };
  const payload = { query: "", documentId: documentIdOf(ResumeDeactivations), variables };
  const follow = (): (() => void) =>
    client.subscribe<ResumeDeactivationsSubscription>(payload, {
      next: ({ data, errors }) => {
        if (data) {
          variables.after = data.accountDeactivated.cursor;
          onEvent(data.accountDeactivated);
        } else if (errors?.some((error) => error.extensions?.code === "CURSOR_EXPIRED")) {
          variables.after = null;
          reload();
        }
      },
      error: (error) => console.error("subscription failed", error),
      // Completed by the server after a refused cursor: follow live from now on.
      complete: () => {
        if (!stopped && variables.after === null) stop = follow();
      },
    });
  let stopped = false;
  let stop = follow();
  return () => {
    stopped = true;
    stop();
    void client.dispose();
  };
}
