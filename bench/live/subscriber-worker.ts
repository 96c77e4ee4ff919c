/**
 * Worker thread of the subscriber pool: opens the graphql-ws sockets, runs one subscription on
 * each, and timestamps every result on arrival. Kept off the main thread so that receiving 1,000
 * messages does not compete with the server under test for the same event loop.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { FromWorker, SubscriberWorkerData, ToWorker } from "./subscriber-protocol.js";

const data = workerData as SubscriberWorkerData;
const port = parentPort;
if (port === null) throw new Error("subscriber-worker.ts must run in a worker thread");
const post = (message: FromWorker) => port.postMessage(message);
const now = () => performance.timeOrigin + performance.now();

/** Sockets opened at once: enough to be quick, few enough not to look like a connection flood. */
const OPEN_BATCH = 100;

/** Receipts of events still being collected; an event's first receipt fixes its expected count. */
const pending = new Map<string, { expected: number; times: number[] }>();
/** Events already handed over: later receipts of them are counted as late, not recorded. */
const finished = new Set<string>();
const clients: Client[] = [];
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
  post({ kind: "received", eventId, expected: entry?.expected ?? 0, times: entry?.times ?? [] });
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

/** Opens one socket; resolves with an error message when it was refused, else undefined. */
function open(connectionParams: Record<string, unknown>): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client = createClient({
      url: data.url,
      webSocketImpl: WebSocket,
      connectionParams,
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => resolve(undefined),
        closed: (event) => {
          const { code, reason } = event as { code?: number; reason?: string };
          resolve(`socket closed before it was acknowledged (${code ?? "?"} ${reason ?? ""})`);
        },
      },
      onNonLazyError: (error) => {
        resolve(error instanceof Error ? error.message : "socket error");
      },
    });
    clients.push(client);
  });
}

async function start(): Promise<void> {
  const sockets = data.groups.flatMap((group) =>
    Array.from({ length: group.sockets }, () => group),
  );
  let failed = 0;
  let firstFailure = "";
  for (let at = 0; at < sockets.length; at += OPEN_BATCH) {
    const batch = sockets.slice(at, at + OPEN_BATCH);
    const outcomes = await Promise.all(batch.map((group) => open(group.connectionParams)));
    for (const outcome of outcomes) {
      if (outcome === undefined) continue;
      failed += 1;
      if (firstFailure === "") firstFailure = outcome;
    }
  }
  sockets.forEach((group, index) => {
    clients[index]?.subscribe(
      { query: data.query },
      {
        next: (result) => record(now(), group.sockets, result),
        error: noteError,
        complete: () => {},
      },
    );
  });
  post({ kind: "ready", connected: sockets.length - failed, failed, firstFailure });
}

port.on("message", (message: ToWorker) => {
  if (message.kind === "collect") {
    // Already handed over when every subscriber had it just as the main thread gave up waiting.
    if (!finished.has(message.eventId)) handOver(message.eventId);
    return;
  }
  void Promise.all(clients.map((client) => client.dispose())).then(() => {
    post({ kind: "closed", errors, late, firstError });
  });
});

await start();
