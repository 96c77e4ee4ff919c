import type { ServerResponse } from "node:http";

/**
 * Makes the header block Node keeps for `response` one flat string, for an answer that stays open
 * (an event stream). Node builds the block by concatenating each header line (a rope of about
 * four string nodes per header, about 3 KB with the API's security headers) and keeps it as long
 * as the response lives (its `_header`, which tells that the headers were sent); reading a
 * character of a rope makes V8 flatten it in place, after which the rope's nodes are garbage
 * (about 0.6 KB kept). The block is only read, never changed; nothing happens before the headers
 * are written, or on a Node that keeps no such string.
 */
export function flattenHeaderBlock(response: ServerResponse): void {
  const block = (response as unknown as { _header?: unknown })._header;
  if (typeof block === "string") block.charCodeAt(0);
}
