/**
 * Every line the gateway process writes, on stdout and stderr, is a JSON log line: also when
 * streaming clients (SSE, multipart) go away in the middle of their streams, by closing or by
 * resetting their connections. The gateway runs as `npm start` runs it (src/main.ts), in
 * production mode, against a sandbox this test runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type ClientRequest, createServer, request as httpRequest } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/server.js";
import { controlOf, type SandboxCustomer } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WEBHOOK_SECRET = "whsec_jsonOnlyOutputSecret01";
const JWT_SECRET = "a-production-secret-of-at-least-32-chars";
/** Streams opened, and dropped by their clients, in each round. */
const STREAMS_PER_ROUND = 12;
const ROUNDS = 8;

/** A free TCP port now (the sandbox must know the gateway's webhook URL before it starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let sandbox: SandboxHandle;
let gateway: ChildProcess;
let output = "";
let url = "";
let exited: Promise<number | null>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, webhookSecret: WEBHOOK_SECRET });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  sandbox.setWebhookUrls([`${url}/webhooks/stripe`]);
  gateway = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      PORT: String(port),
      STRIPE_API_BASE: sandbox.url,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      AUTH_JWT_SECRET: JWT_SECRET,
      LOG_LEVEL: "debug",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  gateway.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  gateway.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  exited = new Promise((resolve) => gateway.once("exit", (code) => resolve(code)));
  let exit: number | null | undefined;
  void exited.then((code) => {
    exit = code;
  });
  await waitFor(
    async () => {
      if (exit !== undefined) throw new Error(`the gateway exited with ${exit}:\n${output}`);
      try {
        return (await fetch(`${url}/readyz`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    "the gateway to be ready",
    60_000,
    100,
  );
}, 90_000);

afterAll(async () => {
  if (gateway.exitCode === null) gateway.kill("SIGKILL");
  await sandbox.close();
});

/** A streaming request whose client will drop it: its request and the socket under it. */
interface DroppedStream {
  request: ClientRequest;
  socket: Promise<Socket>;
  /** Resolves once the stream's first bytes arrived (the stream runs), or the request failed. */
  streaming: Promise<void>;
}

/** Opens an SSE (`/graphql/stream`) or multipart (`/graphql`) subscription as `token`. */
function openStream(kind: "sse" | "multipart", token: string): DroppedStream {
  const request = httpRequest(`${url}${kind === "sse" ? "/graphql/stream" : "/graphql"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept:
        kind === "sse"
          ? "text/event-stream"
          : 'multipart/mixed;subscriptionSpec="1.0", application/json',
      authorization: `Bearer ${token}`,
    },
  });
  request.on("error", () => {});
  const socket = new Promise<Socket>((resolve) => request.once("socket", resolve));
  const streaming = new Promise<void>((resolve) => {
    request.once("error", () => resolve());
    request.once("response", (response) => {
      response.on("error", () => {});
      response.once("data", () => resolve());
      response.once("end", () => resolve());
    });
  });
  request.end(
    JSON.stringify({
      query:
        "subscription { accountStatusChanged { eventId account { id status displayName health { state message } } } }",
    }),
  );
  return { request, socket, streaming };
}

describe("the gateway's output, with clients aborting their streams", () => {
  it("is JSON, every line of stdout and stderr, through the aborts and the shutdown", async () => {
    const control = controlOf({ sandbox });
    const customer: SandboxCustomer = await control.createCustomer({ accounts: 2 });
    const token = await signToken(loadConfig({ AUTH_JWT_SECRET: JWT_SECRET }).auth, {
      customerId: customer.id,
      ttlSeconds: 600,
    });
    for (let round = 0; round < ROUNDS; round += 1) {
      const streams = Array.from({ length: STREAMS_PER_ROUND }, (_, index) =>
        openStream(index % 2 === 0 ? "sse" : "multipart", token),
      );
      // Multipart streams send their first bytes (the boundary) at once; SSE ones with an event.
      // Events keep coming while the clients drop their streams, so the gateway is writing.
      const actions = (async () => {
        const events: string[] = [];
        for (const id of customer.accounts) {
          // Whichever state the account is in, one of the two changes it.
          for (const action of ["deactivate", "reactivate"] as const) {
            const result = await control.account(id, action).catch(() => ({ events: [] }));
            events.push(...result.events);
          }
        }
        return events;
      })();
      // Each client drops its stream as its first bytes arrive, while the gateway still writes:
      // half close their connection, half reset it.
      await Promise.all(
        streams.map(async (stream, index) => {
          await stream.streaming;
          const socket = await stream.socket;
          if (index % 4 < 2) socket.resetAndDestroy();
          else socket.destroy();
        }),
      );
      for (const event of await actions) await control.acknowledged(event, 20_000);
    }
    const before = output.length;
    gateway.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output.length).toBeGreaterThan(before);

    const lines = output.split("\n").filter((line) => line.length > 0);
    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== "object";
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    expect(lines.length).toBeGreaterThan(ROUNDS * STREAMS_PER_ROUND);
  }, 120_000);
});
