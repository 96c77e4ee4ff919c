import type { Client } from "graphql-ws";

/** The outcome of one query or mutation over graphql-ws: its result, or the errors that refused it. */
export interface WsOutcome {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/**
 * Runs one operation over graphql-ws and resolves with its single result, or with the errors
 * the server refused it with (graphql-ws's `error` message). Rejects on a transport failure.
 */
export function wsOperation(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    let outcome: WsOutcome = {};
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          outcome = result as WsOutcome;
        },
        error: (error) => {
          if (Array.isArray(error)) resolve({ errors: error as WsOutcome["errors"] });
          else reject(error);
        },
        complete: () => resolve(outcome),
      },
    );
  });
}
