/** The dashboard query of the issue: every account of the viewer with its health and authorization. */
export const DASHBOARD_QUERY = `query Dashboard {
  accounts(first: 100) {
    nodes {
      id
      displayName
      status
      health { state cause action needsAttention message }
      authorization { id status health { state } }
    }
  }
}`;

/** The JSON body every target receives for the dashboard query. */
export const DASHBOARD_BODY = JSON.stringify({
  query: DASHBOARD_QUERY,
  operationName: "Dashboard",
});

/**
 * The small dashboard of issue 23's floor: only what a list of accounts shows (id, status, health
 * state, authorization id and status), so the gateway's fixed cost per request weighs more.
 */
export const SMALL_DASHBOARD_QUERY =
  "{ accounts(first: 100) { nodes { id status health { state } authorization { id status } } } }";

/** The JSON body every target receives for the small dashboard. */
export const SMALL_DASHBOARD_BODY = JSON.stringify({ query: SMALL_DASHBOARD_QUERY });

/** The `data` of a GraphQL answer that had no errors. */
export type GraphQLData = Record<string, unknown>;

/**
 * Sends the dashboard query (or `body`) to `graphqlUrl` with `headers` (which name the viewer)
 * and returns its `data`. Throws when the answer is not HTTP 200 or carries any GraphQL error: a bench of
 * failing queries is worthless.
 */
export async function fetchDashboard(
  graphqlUrl: string,
  headers: Record<string, string>,
  body: string = DASHBOARD_BODY,
): Promise<GraphQLData> {
  const response = await fetch(graphqlUrl, { method: "POST", headers, body });
  const text = await response.text();
  const answer = JSON.parse(text) as { data?: GraphQLData | null; errors?: unknown[] };
  if (response.status !== 200 || answer.errors !== undefined || !answer.data) {
    throw new Error(`${graphqlUrl} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return answer.data;
}
