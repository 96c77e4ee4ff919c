import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { startStack, type TestStack } from "../support/gateway.js";
import { waitFor } from "../support/wait.js";

/** A raw TCP connection to the gateway, recording what it receives. */
async function openSocket(stack: TestStack): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(stack.gateway.port, "127.0.0.1");
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  await once(socket, "connect");
  return { socket, received: () => received };
}

/** Connections the gateway's server holds open now. */
const openConnections = (stack: TestStack) =>
  new Promise<number>((resolve, reject) =>
    stack.gateway.httpServer.getConnections((error, count) =>
      error ? reject(error) : resolve(count),
    ),
  );

describe("HTTP server limits: defaults", () => {
  it("has a connection cap and header, request and keep-alive timeouts by default", () => {
    const { http } = loadConfig({});
    expect(http).toEqual({
      maxConnections: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
  });

  it("refuses a header timeout longer than the request timeout, naming the variable", () => {
    expect(() =>
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "20000", HTTP_REQUEST_TIMEOUT_MS: "10000" }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });
});

describe("HTTP server limits: the connection cap", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        HTTP_MAX_CONNECTIONS: "3",
        HTTP_HEADERS_TIMEOUT_MS: "60000",
        HTTP_REQUEST_TIMEOUT_MS: "120000",
        HTTP_KEEP_ALIVE_TIMEOUT_MS: "7000",
      },
    });
  });
  afterAll(() => stack.close());

  it("runs the server with the configured cap and timeouts", () => {
    const server = stack.gateway.httpServer;
    expect(server.maxConnections).toBe(3);
    expect(server.headersTimeout).toBe(60_000);
    expect(server.requestTimeout).toBe(120_000);
    expect(server.keepAliveTimeout).toBe(7_000);
  });

  it("closes a connection past the cap as it is accepted, and serves again once one closes", async () => {
    const held = [await openSocket(stack), await openSocket(stack), await openSocket(stack)];
    await waitFor(
      async () => ((await openConnections(stack)) === 3 ? true : undefined),
      "the three connections to be accepted",
    );
    const extra = await openSocket(stack);
    await once(extra.socket, "close");
    expect(extra.received()).toBe("");
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true);

    const first = held[0] as { socket: Socket };
    first.socket.destroy();
    await waitFor(
      async () => ((await openConnections(stack)) === 2 ? true : undefined),
      "a slot to free up",
    );
    const response = await fetch(`${stack.gateway.url}/healthz`, {
      headers: { connection: "close" },
    });
    expect(response.status).toBe(200);
    for (const { socket } of held) socket.destroy();
  });
});

describe("HTTP server limits: the header timeout", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: { HTTP_HEADERS_TIMEOUT_MS: "300", HTTP_REQUEST_TIMEOUT_MS: "300" },
    });
  });
  afterAll(() => stack.close());

  it("closes a connection that sends no headers, and one that never finishes them", async () => {
    const silent = await openSocket(stack);
    const partial = await openSocket(stack);
    partial.socket.write("GET /healthz HTTP/1.1\r\nHost: gateway\r\n");
    await Promise.all([once(silent.socket, "close"), once(partial.socket, "close")]);
    expect(partial.received()).toMatch(/^HTTP\/1\.1 408 /);
    // The gateway itself still serves.
    expect((await fetch(`${stack.gateway.url}/healthz`)).status).toBe(200);
  });
});
