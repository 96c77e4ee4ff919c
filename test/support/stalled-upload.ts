/**
 * An upload that never ends: a client that streams a large body and waits for the answer
 * without finishing it (what an attacker sending an oversized body does), so a route that reads
 * the whole body before answering never answers.
 */
import { request as httpRequest } from "node:http";

/** What the server said while the upload was still open. */
export interface StalledAnswer {
  status: number;
  body: string;
  /** Bytes the client managed to write before the answer (or the end of the connection). */
  written: number;
  /** Ends the upload (destroys the request); call once done measuring. */
  close(): void;
  /** Resolves once the connection is closed (by the server, or by `close`). */
  closed: Promise<void>;
}

/** One chunk, shared by every upload: the client holds no copy of what it sends. */
const CHUNK = Buffer.alloc(64 * 1024, "x".charCodeAt(0));

/**
 * POSTs to `url` a body of `bytes` bytes (chunked unless `declareLength`), never ending it,
 * and resolves with the answer once its body is read. Rejects if the connection fails before any
 * answer.
 */
export function stalledUpload(
  url: string,
  headers: Record<string, string>,
  bytes: number,
  declareLength = false,
): Promise<StalledAnswer> {
  const target = new URL(url);
  const request = httpRequest({
    method: "POST",
    host: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    headers: declareLength ? { ...headers, "content-length": String(bytes) } : headers,
  });
  let written = 0;
  let gone = false;
  const closed = new Promise<void>((resolve) => request.once("close", () => resolve()));
  return new Promise<StalledAnswer>((resolve, reject) => {
    request.on("error", (error) => {
      gone = true;
      reject(error);
    });
    request.once("close", () => {
      gone = true;
    });
    request.once("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (text: string) => {
        body += text;
      });
      response.once("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          body,
          written,
          close: () => request.destroy(),
          closed,
        }),
      );
    });
    const writeMore = () => {
      while (!gone && written < bytes) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, bytes - written));
        written += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", writeMore);
          return;
        }
      }
    };
    writeMore();
  });
}
