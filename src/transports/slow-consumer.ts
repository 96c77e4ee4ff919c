import type { ServerResponse } from "node:http";

/** How long a stream ended for a slow reader may take to hand over its last bytes before it is cut. */
export const SLOW_CONSUMER_GRACE_MS = 10_000;

/**
 * Ends a streamed HTTP answer whose reader fell behind: writes `last` (the stream's final message,
 * queued after what the reader has not taken yet) and ends the answer; a reader that does not take
 * it within SLOW_CONSUMER_GRACE_MS has its connection destroyed; a write after that end (the
 * transport's loop) fails quietly. Nothing when the answer has already ended.
 */
export function endSlowStream(response: ServerResponse, last: string): void {
  if (response.writableEnded || response.destroyed) return;
  // The transport's own loop may still write what it had pulled: a write after the end fails
  // with an 'error' event, expected here, which would otherwise end the process.
  response.on("error", () => {});
  response.end(last);
  const cut = setTimeout(() => response.destroy(), SLOW_CONSUMER_GRACE_MS);
  cut.unref();
  response.once("close", () => clearTimeout(cut));
}
