import type { ServerResponse } from "node:http";

/** The header a browser's EventSource (and any SSE client) sends on reconnect: the last `id:`. */
export const LAST_EVENT_ID_HEADER = "last-event-id";

/** What the standard allows in an SSE `id:` (no line breaks, no NUL), kept short. */
const SAFE_ID = /^[\x20-\x7e]{1,200}$/;

/**
 * The `Last-Event-ID` a reconnecting SSE client sent, or undefined without one (an id the gateway
 * could not have sent is passed on: resuming from it answers CURSOR_EXPIRED).
 */
export function lastEventId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Gives the `next` events graphql-sse writes to `response` an SSE `id:` line: graphql-sse prints
 * only `event:` and `data:`, so the cursor of each result is queued by `record` (in the order the
 * results are handed to graphql-sse, which writes them in that order) and put before its
 * message as it is written. A result without a cursor (a query's answer, an error) gets none,
 * so the client's last event id stays the last event's.
 */
export function sseEventIds(response: ServerResponse): { record(cursor: unknown): void } {
  const cursors: (string | undefined)[] = [];
  const write = response.write.bind(response) as (chunk: unknown, ...rest: unknown[]) => boolean;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string" && chunk.startsWith("event: next\n")) {
      const cursor = cursors.shift();
      if (cursor !== undefined) return write(`id: ${cursor}\n${chunk}`, ...rest);
    }
    return write(chunk, ...rest);
  }) as ServerResponse["write"];
  return {
    record: (cursor) => {
      cursors.push(typeof cursor === "string" && SAFE_ID.test(cursor) ? cursor : undefined);
    },
  };
}
