import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import { serialisedAnswer } from "./serialised-answer.js";

/** The header a browser's EventSource (and any SSE client) sends on reconnect: the last `id:`. */
export const LAST_EVENT_ID_HEADER = "last-event-id";

/** What the standard allows in an SSE `id:` (no line breaks, no NUL), kept short. */
const SAFE_ID = /^[\x20-\x7e]{1,200}$/;

/** How graphql-sse begins every `next` event it writes (`print` in graphql-sse's common). */
const NEXT_EVENT = "event: next\n";

/** What graphql-sse is handed in place of each result: its message is written from the queue. */
const PLACEHOLDER: ExecutionResult = Object.freeze({});

/**
 * The `Last-Event-ID` a reconnecting SSE client sent, or undefined without one (an id the gateway
 * could not have sent is passed on: resuming from it answers CURSOR_EXPIRED).
 */
export function lastEventId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value === "" ? undefined : value;
}

/** The `next` events of one stream as the gateway prints them: see sseNextEvents. */
export interface SseNextEvents {
  /** Queues `result`'s whole event; returns the placeholder to hand graphql-sse in its place. */
  message(result: FormattedExecutionResult): ExecutionResult;
  /** What to write for `chunk`, an event graphql-sse printed: a `next` one is the next queued event. */
  outgoing(chunk: string): string;
}

/**
 * The `next` events of one stream as the gateway prints them: graphql-sse prints only `event:`
 * and `data:`, and serialises each result for each stream. `message` queues a result's whole
 * event (its cursor as the SSE `id:` line, then `event: next` and its `data:`, the result
 * serialised once per answer by `serialisedAnswer`, so an event resolved alike for many streams is
 * serialised once) and returns the placeholder to hand graphql-sse in its place; graphql-sse
 * prints its `next` events in the order it was handed them, and the writer writes, for each one,
 * `outgoing`'s answer: the next queued event. A result without a cursor (an error) gets no `id:`,
 * so the client's last event id stays the last event's.
 */
export function sseNextEvents(): SseNextEvents {
  const queued: string[] = [];
  return {
    message: (result) => {
      const cursor = result.extensions?.cursor;
      const id = typeof cursor === "string" && SAFE_ID.test(cursor) ? `id: ${cursor}\n` : "";
      queued.push(`${id}${NEXT_EVENT}data: ${serialisedAnswer(result)}\n\n`);
      return PLACEHOLDER;
    },
    outgoing: (chunk) => (chunk.startsWith(NEXT_EVENT) ? (queued.shift() ?? chunk) : chunk),
  };
}
