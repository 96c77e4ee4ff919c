import { createHash } from "node:crypto";

/**
 * A position in one customer's event stream, as Redis Streams writes an entry id:
 * `<milliseconds>-<sequence>`, both whole numbers, increasing in publication order. The
 * milliseconds are when the event was published (the retention is measured on them).
 */
export type StreamPosition = string;

const POSITION = /^(\d{1,15})-(\d{1,15})$/;

/** The position's milliseconds and sequence, or undefined when it is not a position. */
export function parsePosition(position: string): [ms: number, seq: number] | undefined {
  const match = POSITION.exec(position);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2])];
}

/** Negative, zero or positive as `a` comes before, is, or comes after `b` (both valid). */
export function comparePositions(a: StreamPosition, b: StreamPosition): number {
  const [aMs, aSeq] = parsePosition(a) ?? [0, 0];
  const [bMs, bSeq] = parsePosition(b) ?? [0, 0];
  return aMs - bMs || aSeq - bSeq;
}

/**
 * Hands out increasing positions in this process, the way Redis does for a stream: the clock's
 * milliseconds (never going back), and a sequence within one millisecond.
 */
export function positionClock(now: () => number = Date.now): () => StreamPosition {
  let lastMs = 0;
  let seq = 0;
  return () => {
    const ms = Math.max(now(), lastMs);
    seq = ms === lastMs ? seq + 1 : 0;
    lastMs = ms;
    return `${ms}-${seq}`;
  };
}

/** Customers whose stream tag is kept (the oldest computed is forgotten first beyond). */
const TAGS_KEPT = 10_000;
const tags = new Map<string, string>();

/**
 * A short tag naming the customer's stream, so a cursor of another stream is recognised. Every
 * event delivered carries one: each customer's is hashed once and kept (TAGS_KEPT at most).
 */
const streamTag = (customerId: string) => {
  let tag = tags.get(customerId);
  if (tag === undefined) {
    tag = createHash("sha256").update(customerId).digest("base64url").slice(0, 10);
    if (tags.size >= TAGS_KEPT) tags.delete(tags.keys().next().value as string);
    tags.set(customerId, tag);
  }
  return tag;
};

/**
 * The cursor a client is given for an event: its position and a tag of its customer's stream
 * (`<position>.<tag>`). Opaque to clients; safe as an SSE `id:` (no line breaks).
 */
export function encodeCursor(customerId: string, position: StreamPosition): string {
  return `${position}.${streamTag(customerId)}`;
}

/**
 * The position a cursor names in `customerId`'s stream, or undefined when it is malformed or
 * another customer's (a cursor of another stream resumes nothing: the same as an unknown one).
 */
export function decodeCursor(customerId: string, cursor: string): StreamPosition | undefined {
  const dot = cursor.lastIndexOf(".");
  if (dot < 0 || cursor.slice(dot + 1) !== streamTag(customerId)) return undefined;
  const position = cursor.slice(0, dot);
  return parsePosition(position) === undefined ? undefined : position;
}
