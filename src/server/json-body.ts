import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import { BodyError } from "./body-error.js";
import { hasBody, readBodyBytes } from "./body-reader.js";

/** The content types read without body-parser: JSON in UTF-8 (the charset said or not). */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
/** JSON whitespace before the first token. */
const LEADING_WHITESPACE = /^[ \t\n\r]*/;

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
async function readPlainJson(request: IncomingMessage, limit: number): Promise<unknown> {
  let text = (await readBodyBytes(request, limit)).toString("utf8");
  // iconv-lite (body-parser's decoder) drops a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseStrictJson(text);
}

/**
 * Reads a request's JSON body as `express.json({ limit })` does, without Express in front: the
 * body parsed (strict: an object or array; empty: `{}`), or undefined when the request has none
 * or its content type is not JSON. Plain UTF-8 JSON is read here; any other encoding (gzip,
 * deflate, br) or charset goes through body-parser itself. Rejects with an error
 * describeBodyError answers: 413 over `limit` bytes (after decompression), 415 for an
 * unsupported content-encoding or charset, 400 for malformed JSON or a corrupt stream. A plain
 * body over the limit is refused as soon as it passes it (readBodyBytes: the rest is discarded,
 * not kept); body-parser reads an encoded one's upload to its end before refusing it.
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
