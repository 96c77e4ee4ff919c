import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signToken } from "../../src/auth/sign-token.js";
import { createCustomer, startStack, type TestStack, tokenFor } from "../support/gateway.js";

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
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on("message", (data) =>
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>),
  );
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
  return { socket, messages, closed };
}

const acked = async (raw: RawSocket) => {
  for (
    let i = 0;
    i < 100 && !raw.messages.some((message) => message.type === "connection_ack");
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return raw.messages.some((message) => message.type === "connection_ack");
};

const subscribe = (
  raw: RawSocket,
  id: string,
  query = "subscription { accountDeactivated { eventId } }",
) => raw.socket.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));

const waitFor = async (
  raw: RawSocket,
  predicate: (message: Record<string, unknown>) => boolean,
) => {
  for (let i = 0; i < 200; i++) {
    const found = raw.messages.find(predicate);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
};

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
    const shortLived = await signToken(stack.config.auth, { customerId: customer, ttlSeconds: 1 });
    const raw = await open({ authorization: `Bearer ${shortLived}` });
    expect(await acked(raw)).toBe(true);
    const closed = await raw.closed;
    expect(closed.code).toBe(4403);
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
