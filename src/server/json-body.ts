import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";

/** A body-reading failure, shaped as body-parser's (http-errors) so describeBodyError reads it alike. */
class BodyError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The content types read without body-parser: JSON in UTF-8 (the charset said or not). */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
/** JSON whitespace before the first token. */
const LEADING_WHITESPACE = /^[ \t\n\r]*/;

/** True when a request has a body (type-is's hasBody): a transfer-encoding or a content-length. */
const hasBody = (request: IncomingMessage) =>
  request.headers["transfer-encoding"] !== undefined ||
  !Number.isNaN(Number.parseInt(request.headers["content-length"] ?? "", 10));

/** Reads the rest of `request` and drops it, then calls `done` (an answer after the upload ended). */
function drain(request: IncomingMessage, done: () => void) {
  if (request.readableEnded || request.destroyed) {
    done();
    return;
  }
  request.once("end", done);
  request.once("close", done);
  request.resume();
}

/** body-parser's strict JSON: an empty body is `{}`; anything but an object or array is refused. */
function parseStrictJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = text[LEADING_WHITESPACE.exec(text)?.[0].length ?? 0];
  if (first !== "{" && first !== "[") {
    throw new BodyError(400, "entity.parse.failed", "Unexpected token in JSON");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, "entity.parse.failed", (error as Error).message);
  }
}

/** Reads a plain UTF-8 JSON body of at most `limit` bytes (the common case), as body-parser would. */
function readPlainJson(request: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const fail = (error: BodyError) => drain(request, () => reject(error));
    const declared = Number.parseInt(request.headers["content-length"] ?? "", 10);
    if (declared > limit) {
      fail(new BodyError(413, "entity.too.large", "request entity too large"));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        cleanUp();
        fail(new BodyError(413, "entity.too.large", "request entity too large"));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanUp();
      const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
      let text = buffer.toString("utf8");
      // iconv-lite (body-parser's decoder) drops a byte order mark.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      try {
        resolve(parseStrictJson(text));
      } catch (error) {
        reject(error);
      }
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

/**
 * Reads a request's JSON body as `express.json({ limit })` does, without Express in front: the
 * body parsed (strict: an object or array; empty: `{}`), or undefined when the request has none
 * or its content type is not JSON. Plain UTF-8 JSON is read here; any other encoding (gzip,
 * deflate, br) or charset goes through body-parser itself. Rejects with an error
 * describeBodyError answers: 413 over `limit` bytes (after decompression), 415 for an
 * unsupported content-encoding or charset, 400 for malformed JSON or a corrupt stream; the
 * upload is read to its end before the rejection, so the client gets the answer.
 */
export function jsonBodyReader(limit: number) {
  const bodyParser = express.json({ limit });
  return (request: IncomingMessage, response: ServerResponse): Promise<unknown> => {
    if (!hasBody(request)) return Promise.resolve(undefined);
    const type = request.headers["content-type"];
    const encoding = request.headers["content-encoding"];
    if (
      type !== undefined &&
      PLAIN_JSON.test(type) &&
      (encoding === undefined || encoding.toLowerCase() === "identity")
    ) {
      return readPlainJson(request, limit);
    }
    return new Promise((resolve, reject) => {
      const carrier = request as IncomingMessage & { body?: unknown };
      bodyParser(carrier as never, response as never, (error?: unknown) => {
        if (error) reject(error);
        else resolve(carrier.body);
      });
    });
  };
}
