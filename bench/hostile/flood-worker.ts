/**
 * One flood as its own process (`node --import tsx bench/hostile/flood-worker.ts`), so the
 * flood's client work does not share the event loop that times the victim. Reads its orders from
 * the environment (FLOOD_KIND, FLOOD_URL, FLOOD_AUTHORIZATION, FLOOD_SECONDS, FLOOD_CONCURRENCY),
 * keeps FLOOD_CONCURRENCY requests in flight for FLOOD_SECONDS, and prints one JSON line of
 * FloodOutcome on stdout when done.
 */
import { FLOOD_KINDS, type FloodKind, floodRequest } from "./floods.js";

/** What a flood's requests got. */
export interface FloodOutcome {
  sent: number;
  /** Answers per HTTP status. */
  statuses: Record<string, number>;
  /** Requests that got no answer (connection closed or reset, mostly after an early 413). */
  connectionErrors: number;
  /** Requests still unanswered 10 s after the flood's end, given up. */
  timeouts: number;
  /** CPU time the flood's own process used (user and system), in ms: the attacker's share of the machine. */
  cpuMs: number;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is required`);
  return value;
}

const kind = required("FLOOD_KIND") as FloodKind;
if (!FLOOD_KINDS.includes(kind)) throw new Error(`unknown FLOOD_KIND ${kind}`);
const baseUrl = required("FLOOD_URL");
const authorization = required("FLOOD_AUTHORIZATION");
const seconds = Number(required("FLOOD_SECONDS"));
const concurrency = Number(required("FLOOD_CONCURRENCY"));

const outcome: FloodOutcome = {
  sent: 0,
  statuses: {},
  connectionErrors: 0,
  timeouts: 0,
  cpuMs: 0,
};
const cpuAtStart = process.cpuUsage();
const deadline = Date.now() + seconds * 1000;
let index = 0;

async function loop(): Promise<void> {
  while (Date.now() < deadline) {
    const request = floodRequest(kind, index++, authorization);
    outcome.sent += 1;
    try {
      const response = await fetch(`${baseUrl}${request.path}`, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(Math.max(1, deadline + 10_000 - Date.now())),
      });
      await response.arrayBuffer();
      outcome.statuses[response.status] = (outcome.statuses[response.status] ?? 0) + 1;
    } catch (error) {
      if (error instanceof DOMException && error.name === "TimeoutError") outcome.timeouts += 1;
      else outcome.connectionErrors += 1;
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, loop));
const used = process.cpuUsage(cpuAtStart);
outcome.cpuMs = Math.round((used.user + used.system) / 1_000);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
