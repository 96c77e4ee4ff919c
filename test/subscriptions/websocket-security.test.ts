import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signToken } from "../../src/auth/sign-token.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { createCustomer } from "../support/sandbox-control.js";
import { Changes } from "../support/wait.js";

let stack: TestStack;
let customer: string;
beforeAll(async () => {
  stack = await startStack({
    env: {
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "2",
      WS_MAX_SOCKETS_PER_CUSTOMER: "2",
      ALLOWED_ORIGINS: "https://app.example",
    },
  });
  customer = (await createCustomer(stack, 1, 1)).id;
});
afterAll(() => stack.close());

interface RawSocket {
  socket: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  /** Announced after each message and on close. */
  changes: Changes;
}

/** Opens a graphql-transport-ws socket and sends connection_init with `params`. */
async function open(
  params: Record<string, unknown> | undefined,
  origin?: string,
): Promise<RawSocket> {
  const socket = new WebSocket(
    `${stack.gateway.url.replace("http", "ws")}/graphql`,
    "graphql-transport-ws",
    {
      ...(origin === undefined ? {} : { origin }),
    },
  );
  const messages: Record<string, unknown>[] = [];
  const changes = new Changes();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      changes.notify();
    });
  });
  socket.on("message", (data) => {
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
    changes.notify();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  socket.send(
    JSON.stringify({
      type: "connection_init",
      ...(params === undefined ? {} : { payload: params }),
    }),
  );
  return { socket, messages, closed, changes };
}

/** True once the server acknowledged the connection; false if the socket closed (or stayed silent). */
const acked = (raw: RawSocket) =>
  raw.changes
    .until(() => {
      if (raw.messages.some((message) => message.type === "connection_ack")) return true;
      return raw.socket.readyState === WebSocket.CLOSED ? false : undefined;
    }, "connection_ack")
    .catch(() => false);

const subscribe = (
  raw: RawSocket,
  id: string,
  query = "subscription { accountDeactivated { eventId } }",
) => raw.socket.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));

/** The first message matching `predicate`, once it arrived; undefined if none came. */
const waitFor = (raw: RawSocket, predicate: (message: Record<string, unknown>) => boolean) =>
  raw.changes.until(() => raw.messages.find(predicate), "a message").catch(() => undefined);

describe("WebSocket authentication", () => {
  it("closes with 4403 when connection_init carries no token", async () => {
    const raw = await open(undefined);
    expect((await raw.closed).code).toBe(4403);
  });

  it("closes with 4403 for a bad token", async () => {
    const raw = await open({ authorization: "Bearer not.a.token" });
    expect((await raw.closed).code).toBe(4403);
  });

  it("acknowledges a valid token, then closes with 4403 when it expires", async () => {
    const shortLived = await signToken(stack.config.auth, { customerId: customer, ttlSeconds: 3 });
    const raw = await open({ authorization: `Bearer ${shortLived}` });
    expect(await acked(raw)).toBe(true);
    const closed = await raw.closed;
    expect(closed.code).toBe(4403);
  });
});

/** Resolves with the socket's first message from the server (e.g. connection_ack). */
const firstMessage = (raw: RawSocket) =>
  new Promise<Record<string, unknown>>((resolve) => {
    raw.socket.once("message", (data) =>
      resolve(JSON.parse(data.toString()) as Record<string, unknown>),
    );
  });

describe("WebSocket token lifetime", () => {
  it("closes with 4403 for a token living longer than AUTH_MAX_TOKEN_AGE (25 h over the 24 h default)", async () => {
    const longLived = await signToken(stack.config.auth, {
      customerId: customer,
      ttlSeconds: 25 * 3600,
    });
    const raw = await open({ authorization: `Bearer ${longLived}` });
    const outcome = await Promise.race([
      raw.closed.then(({ code }) => `closed ${code}`),
      firstMessage(raw).then((message) => `received ${String(message.type)}`),
    ]);
    expect(outcome).toBe("closed 4403");
  });

  describe("with AUTH_MAX_TOKEN_AGE raised to 60 days", () => {
    let longStack: TestStack;
    beforeAll(async () => {
      longStack = await startStack({ env: { AUTH_MAX_TOKEN_AGE: String(60 * 86_400) } });
    });
    afterAll(() => longStack.close());

    it("keeps open a socket whose token expires in 30 days (beyond setTimeout's 24.8-day limit)", async () => {
      const owner = await createCustomer(longStack, 1, 1);
      const token = await signToken(longStack.config.auth, {
        customerId: owner.id,
        ttlSeconds: 30 * 86_400,
      });
      const socket = new WebSocket(
        `${longStack.gateway.url.replace("http", "ws")}/graphql`,
        "graphql-transport-ws",
      );
      const messages: Record<string, unknown>[] = [];
      const closed = new Promise<never>((_resolve, reject) => {
        socket.on("close", (code) => reject(new Error(`the socket closed with ${code}`)));
      });
      closed.catch(() => {});
      /** Resolves with the first server message that `predicate` accepts, or rejects on close. */
      const receive = (predicate: (message: Record<string, unknown>) => boolean) =>
        Promise.race([
          closed,
          new Promise<Record<string, unknown>>((resolve) => {
            const onMessage = () => {
              const found = messages.find(predicate);
              if (found === undefined) return;
              socket.off("message", onMessage);
              resolve(found);
            };
            socket.on("message", onMessage);
            onMessage();
          }),
        ]);
      socket.on("message", (data) =>
        messages.push(JSON.parse(data.toString()) as Record<string, unknown>),
      );
      await new Promise<void>((resolve, reject) => {
        socket.once("open", () => resolve());
        socket.once("error", reject);
      });
      socket.send(
        JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }),
      );
      await receive((message) => message.type === "connection_ack");
      // A round trip through the gateway and the sandbox, well after the moment (1 ms after the
      // connection) an overflowed expiry timer fires: the socket answers, so it is still open.
      socket.send(
        JSON.stringify({
          id: "after-ack",
          type: "subscribe",
          payload: { query: "{ accounts { nodes { id } } }" },
        }),
      );
      const result = await receive(
        (message) => message.type === "next" && message.id === "after-ack",
      );
      expect(result).toMatchObject({
        payload: { data: { accounts: { nodes: [{ id: owner.accounts[0] }] } } },
      });
      await receive((message) => message.type === "complete" && message.id === "after-ack");
      expect(socket.readyState).toBe(WebSocket.OPEN);
      socket.close();
    });
  });
});

describe("WebSocket origin allowlist", () => {
  it("refuses the upgrade from a forbidden Origin", async () => {
    await expect(open({}, "https://evil.example")).rejects.toThrow(/403/);
  });

  it("accepts an allowed Origin", async () => {
    const raw = await open(
      { authorization: `Bearer ${await tokenFor(stack, customer)}` },
      "https://app.example",
    );
    expect(await acked(raw)).toBe(true);
    raw.socket.close();
  });
});

describe("WebSocket caps", () => {
  it("allows the configured number of subscriptions per socket and refuses one more", async () => {
    const raw = await open({ authorization: `Bearer ${await tokenFor(stack, customer)}` });
    expect(await acked(raw)).toBe(true);
    subscribe(raw, "1");
    subscribe(raw, "2");
    subscribe(raw, "3");
    const refused = await waitFor(raw, (message) => message.type === "error" && message.id === "3");
    expect(JSON.stringify(refused)).toMatch(/At most 2 operations per socket/);
    expect(
      raw.messages.filter((message) => message.type === "error" && message.id !== "3"),
    ).toEqual([]);
    raw.socket.close();
  });

  it("allows the configured number of sockets per customer and closes one more with 4429", async () => {
    const other = (await createCustomer(stack, 1, 1)).id;
    const token = await tokenFor(stack, other);
    const first = await open({ authorization: `Bearer ${token}` });
    const second = await open({ authorization: `Bearer ${token}` });
    expect(await acked(first)).toBe(true);
    expect(await acked(second)).toBe(true);
    const third = await open({ authorization: `Bearer ${token}` });
    expect((await third.closed).code).toBe(4429);
    first.socket.close();
    await first.closed;
    const fourth = await open({ authorization: `Bearer ${token}` });
    expect(await acked(fourth)).toBe(true);
    second.socket.close();
    fourth.socket.close();
  });

  it("closes a socket that sends a message over 64 KB", async () => {
    const raw = await open({ authorization: `Bearer ${await tokenFor(stack, customer)}` });
    expect(await acked(raw)).toBe(true);
    raw.socket.send(
      JSON.stringify({
        id: "big",
        type: "subscribe",
        payload: { query: `# ${"x".repeat(70_000)}\n{ __typename }` },
      }),
    );
    expect((await raw.closed).code).toBe(1009);
  });

  it("validates operations like HTTP does", async () => {
    const raw = await open({ authorization: `Bearer ${await tokenFor(stack, customer)}` });
    expect(await acked(raw)).toBe(true);
    subscribe(raw, "bad", "subscription { accountDeactivated { noSuchField } }");
    const error = await waitFor(raw, (message) => message.type === "error" && message.id === "bad");
    expect(JSON.stringify(error)).toMatch(/noSuchField/);
    raw.socket.close();
  });
});
