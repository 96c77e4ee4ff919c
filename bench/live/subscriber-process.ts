/**
 * A subscriber process of the live section (bundled by `subscriber-pool.ts`, run under plain
 * node): opens its share of the subscribers (graphql-ws sockets or graphql-sse streams, one
 * subscription each), timestamps every result on arrival, and talks to the bench over IPC (see
 * subscriber-protocol.ts). Several run at once so that no process holds more than its share of
 * descriptors, and receiving does not compete with the bench's own event loop.
 */
import { type ClientRequest, request } from "node:http";
import { performance } from "node:perf_hooks";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type {
  FromSubscribers,
  SubscriberGroup,
  SubscriberStart,
  ToSubscribers,
} from "./subscriber-protocol.js";

const post = (message: FromSubscribers) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now();

/** Subscribers opened at once: enough to be quick, few enough not to look like a connection flood. */
const OPEN_BATCH = 100;

/** Receipts of events still being collected. */
const pending = new Map<string, { expected: number; times: number[] }>();
/** Events already handed over: later receipts of them are counted as late, not recorded. */
const finished = new Set<string>();
/** What ends each subscriber. */
const closers: (() => Promise<void>)[] = [];
let errors = 0;
let late = 0;
let firstError = "";

const noteError = (error: unknown) => {
  errors += 1;
  if (firstError === "")
    firstError = error instanceof Error ? error.message : JSON.stringify(error);
};

const eventIdOf = (result: { data?: unknown }): string | undefined => {
  const value: unknown =
    typeof result.data === "object" && result.data !== null
      ? Object.values(result.data)[0]
      : undefined;
  if (typeof value !== "object" || value === null || !("eventId" in value)) return undefined;
  return typeof value.eventId === "string" ? value.eventId : undefined;
};

const handOver = (eventId: string) => {
  const entry = pending.get(eventId);
  pending.delete(eventId);
  finished.add(eventId);
  post({ kind: "received", eventId, times: entry?.times ?? [] });
};

const record = (at: number, groupSize: number, result: { data?: unknown; errors?: unknown }) => {
  if (result.errors !== undefined) noteError(result.errors);
  const eventId = eventIdOf(result);
  if (eventId === undefined) return;
  if (finished.has(eventId)) {
    late += 1;
    return;
  }
  const entry = pending.get(eventId) ?? { expected: groupSize, times: [] };
  entry.times.push(at);
  pending.set(eventId, entry);
  if (entry.times.length === entry.expected) handOver(eventId);
};

/** Opens one graphql-ws socket and subscribes on it; resolves with a refusal's message, else undefined. */
function openSocket(start: SubscriberStart, group: SubscriberGroup): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client: Client = createClient({
      url: start.url,
      webSocketImpl: WebSocket,
      connectionParams: group.credentials,
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => {
          client.subscribe(
            { query: start.query },
            {
              next: (result) => record(now(), group.subscribers, result),
              error: noteError,
              complete: () => {},
            },
          );
          resolve(undefined);
        },
        closed: (event) => {
          const { code, reason } = event as { code?: number; reason?: string };
          resolve(`socket closed before it was acknowledged (${code ?? "?"} ${reason ?? ""})`);
        },
      },
      onNonLazyError: (error) => {
        resolve(error instanceof Error ? error.message : "socket error");
      },
    });
    closers.push(async () => {
      await client.dispose();
    });
  });
}

/** Reads graphql-sse's `next` events off a stream, calling `onNext` with each one's data. */
function sseEvents(onNext: (data: string) => void): (chunk: string) => void {
  let buffered = "";
  return (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const lines = block.split("\n");
      if (!lines.includes("event: next")) continue;
      const data = lines
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      onNext(data);
    }
  };
}

/** Opens one graphql-sse stream (distinct connections mode); resolves as `openSocket`. */
function openStream(start: SubscriberStart, group: SubscriberGroup): Promise<string | undefined> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ query: start.query });
    const outgoing: ClientRequest = request(start.url, {
      method: "POST",
      headers: {
        ...group.credentials,
        accept: "text/event-stream",
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      },
    });
    outgoing.on("response", (incoming) => {
      if (incoming.statusCode !== 200) {
        incoming.resume();
        resolve(`stream refused with ${incoming.statusCode}`);
        return;
      }
      const read = sseEvents((data) => {
        const at = now();
        try {
          record(at, group.subscribers, JSON.parse(data) as { data?: unknown });
        } catch (error) {
          noteError(error);
        }
      });
      incoming.setEncoding("utf8");
      incoming.on("data", read);
      incoming.on("error", () => {});
      resolve(undefined);
    });
    outgoing.on("error", (error) => resolve(error.message));
    outgoing.end(body);
    closers.push(async () => {
      outgoing.destroy();
    });
  });
}

async function start(message: SubscriberStart): Promise<void> {
  const open = message.protocol === "ws" ? openSocket : openStream;
  const subscribers = message.groups.flatMap((group) =>
    Array.from({ length: group.subscribers }, () => group),
  );
  let connected = 0;
  let failed = 0;
  let firstFailure = "";
  for (let at = 0; at < subscribers.length; at += OPEN_BATCH) {
    const batch = subscribers.slice(at, at + OPEN_BATCH);
    const outcomes = await Promise.all(batch.map((group) => open(message, group)));
    for (const outcome of outcomes) {
      if (outcome === undefined) {
        connected += 1;
        continue;
      }
      failed += 1;
      if (firstFailure === "") firstFailure = outcome;
    }
    post({ kind: "progress", connected, failed });
  }
  post({ kind: "ready", connected, failed, firstFailure });
}

process.on("message", (message: ToSubscribers) => {
  if (message.kind === "start") {
    void start(message);
  } else if (message.kind === "collect") {
    // Already handed over when every subscriber had it just as the bench gave up waiting.
    if (!finished.has(message.eventId)) handOver(message.eventId);
  } else {
    void Promise.all(closers.map((close) => close())).then(() => {
      post({ kind: "closed", errors, late, firstError });
    });
  }
});
// The bench went away: nothing left to report to.
process.on("disconnect", () => process.exit(0));
