import { setTimeout as sleep } from "node:timers/promises";
import { fetchDashboard, type GraphQLData } from "./query.js";
import type { RequestCounts, SandboxControl } from "./sandbox-control.js";

/** One dashboard query's answer and the Stripe calls it cost. */
export interface CountedQuery {
  data: GraphQLData;
  stripeCalls: RequestCounts;
}

/**
 * Runs the dashboard query once against `graphqlUrl` and counts the `/v1` requests the sandbox
 * received meanwhile. Only exact while nothing else talks to the sandbox. Rejects when the query
 * fails (see `fetchDashboard`).
 */
export async function countStripeCalls(
  sandbox: SandboxControl,
  graphqlUrl: string,
  headers: Record<string, string>,
): Promise<CountedQuery> {
  await sandbox.resetRequests();
  const data = await fetchDashboard(graphqlUrl, headers);
  return { data, stripeCalls: await sandbox.requestCounts() };
}

/**
 * Waits until the sandbox's request counter stops moving (two equal reads 100 ms apart, for at
 * most `timeoutMs`) and returns the last read. After a load run the target still finishes the
 * queries that were in flight when the load stopped; their Stripe calls land during this wait.
 */
export async function settledCounts(
  sandbox: SandboxControl,
  timeoutMs = 5_000,
): Promise<RequestCounts> {
  const deadline = Date.now() + timeoutMs;
  let previous = await sandbox.requestCounts();
  for (;;) {
    await sleep(100);
    const current = await sandbox.requestCounts();
    if (current.total === previous.total || Date.now() > deadline) return current;
    previous = current;
  }
}
