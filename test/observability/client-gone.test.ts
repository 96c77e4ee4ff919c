import { once } from "node:events";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { finalErrorHandler } from "../../src/transports/error-answers.js";
import { LogSink } from "../support/gateway.js";

/**
 * An error after a streamed answer began (the client reset its connection, the stream was
 * destroyed) is the last error handler's: a JSON log line (debug for a client that went away,
 * error otherwise) and the connection closed, never Express's own handler, which prints the
 * error to the console.
 */
const sink = new LogSink();
const server = createServer(
  express()
    .get("/stream/:code", (request, response, next) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(":\n\n");
      const error = Object.assign(new Error(`write ${request.params.code}`), {
        code: request.params.code,
      });
      next(error);
    })
    .use(finalErrorHandler(createLogger("debug", sink))),
);
let base = "";
beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** GETs `path`; resolves once the server closed the connection. */
function streamUntilClosed(path: string): Promise<void> {
  return new Promise((resolve) => {
    const request = httpRequest(`${base}${path}`, (response) => {
      response.on("error", () => {});
      response.resume();
    });
    request.on("error", () => {});
    request.on("close", () => resolve());
    request.end();
  });
}

describe("errors after a stream began", () => {
  it("logs a client that went away (ECONNRESET, ERR_STREAM_DESTROYED) at debug as JSON, and closes the connection", async () => {
    for (const code of ["ECONNRESET", "ERR_STREAM_DESTROYED"]) {
      await streamUntilClosed(`/stream/${code}`);
    }
    const lines = sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, msg: "client gone", code: "ECONNRESET" }),
      expect.objectContaining({ level: 20, msg: "client gone", code: "ERR_STREAM_DESTROYED" }),
    ]);
  });

  it("logs any other failure as an error line with its stack", async () => {
    sink.lines.length = 0;
    await streamUntilClosed("/stream/EOTHER");
    const [line] = sink.lines.map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(line).toMatchObject({ level: 50, msg: "error after the answer began" });
    expect(JSON.stringify(line?.err)).toContain("write EOTHER");
  });
});
