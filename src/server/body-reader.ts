import type { IncomingMessage } from "node:http";
import { BodyError, bodyTooLarge } from "./body-error.js";
import { discardAllowanceFor } from "./body-limits.js";

/** True when a request has a body (type-is's hasBody): a transfer-encoding or a content-length. */
export const hasBody = (request: IncomingMessage) =>
  request.headers["transfer-encoding"] !== undefined ||
  !Number.isNaN(Number.parseInt(request.headers["content-length"] ?? "", 10));

/** The request's declared `Content-Length`, or NaN without one. */
export const declaredLength = (request: IncomingMessage) =>
  Number.parseInt(request.headers["content-length"] ?? "", 10);

/**
 * Reads what is left of a refused request's body and throws it away, so the client, which may
 * still be uploading, reads the answer; past `maxBytes` read (nothing is kept of them) the
 * connection is destroyed.
 */
export function discardBody(request: IncomingMessage, maxBytes: number): void {
  if (request.readableEnded || request.destroyed) return;
  let discarded = 0;
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) request.destroy();
  });
  request.resume();
}

/**
 * Reads a request's body (no content-encoding) of at most `limit` bytes, streaming: a body that
 * declares more, or sends more, is refused with a 413 BodyError as soon as that is known, and
 * what follows is discarded (discardBody, with the route's allowance), never kept. A client that
 * aborts gets a 400 `request.aborted`.
 */
export function readBodyBytes(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      discardBody(request, discardAllowanceFor(limit));
      reject(bodyTooLarge());
    };
    if (declaredLength(request) > limit) {
      refuse();
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        cleanUp();
        chunks.length = 0;
        refuse();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanUp();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    };
    const onAborted = () => {
      cleanUp();
      reject(new BodyError(400, "request.aborted", "request aborted"));
    };
    const cleanUp = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("aborted", onAborted);
      request.off("error", onAborted);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("aborted", onAborted);
    request.on("error", onAborted);
  });
}
