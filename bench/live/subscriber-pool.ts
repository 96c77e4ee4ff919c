import { Worker } from "node:worker_threads";
import type {
  FromWorker,
  SubscriberGroup,
  SubscriberWorkerData,
  ToWorker,
} from "./subscriber-protocol.js";

/** What the pool's subscribers received of one event. */
export interface Receipts {
  /** Subscribers of the event's group (0 when nobody received it). */
  expected: number;
  /** Arrival times, epoch ms (`performance.timeOrigin + performance.now()`), one per receipt. */
  times: number[];
}

/** graphql-ws subscribers running in a worker thread, one subscription per socket. */
export interface SubscriberPool {
  /** Sockets acknowledged by the server. */
  connected: number;
  /** Subscribers of each group, in the order the groups were given. */
  groupSizes: readonly number[];
  /**
   * Resolves when every subscriber of the event's group received `eventId`, or after `timeoutMs`
   * with what arrived by then. Later receipts of that event are counted as late, not recorded.
   */
  receipts(eventId: string, timeoutMs: number): Promise<Receipts>;
  /** Disposes every client and ends the worker; resolves with the errors results carried. */
  close(): Promise<{ errors: number; late: number; firstError: string }>;
}

/**
 * Starts the worker. tsx's loader does not reach worker threads on Node 20 through `execArgv`,
 * so the worker is a tiny eval script that imports the TypeScript file through tsx's API.
 */
function spawn(data: SubscriberWorkerData): Worker {
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./subscriber-worker.ts", import.meta.url).href;
  const script = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(script, { eval: true, workerData: data });
}

/**
 * Opens `sockets` graphql-ws sockets per group against `url`, each running `query`, and resolves
 * once all are acknowledged and subscribed. Rejects (and ends the worker) when any socket was
 * refused: the figures would not be of the number of subscribers asked for.
 */
export async function openSubscriberPool(
  url: string,
  query: string,
  groups: SubscriberGroup[],
): Promise<SubscriberPool> {
  const worker = spawn({ url, query, groups });
  const arrived = new Map<string, Receipts>();
  const waiting = new Map<string, (receipts: Receipts) => void>();
  let onClosed: ((message: Extract<FromWorker, { kind: "closed" }>) => void) | undefined;
  const send = (message: ToWorker) => worker.postMessage(message);

  const ready = new Promise<Extract<FromWorker, { kind: "ready" }>>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: FromWorker) => {
      if (message.kind === "ready") resolve(message);
      else if (message.kind === "closed") onClosed?.(message);
      else {
        const receipts = { expected: message.expected, times: message.times };
        const resolveWaiter = waiting.get(message.eventId);
        waiting.delete(message.eventId);
        if (resolveWaiter) resolveWaiter(receipts);
        else arrived.set(message.eventId, receipts);
      }
    });
  });
  const opened = await ready.catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  const close = async () => {
    const closed = new Promise<Extract<FromWorker, { kind: "closed" }>>((resolve) => {
      onClosed = resolve;
    });
    send({ kind: "close" });
    const { errors, late, firstError } = await closed;
    await worker.terminate();
    return { errors, late, firstError };
  };
  if (opened.failed > 0) {
    await close();
    throw new Error(
      `${opened.failed} of ${opened.failed + opened.connected} sockets were refused: ${opened.firstFailure}`,
    );
  }

  return {
    connected: opened.connected,
    groupSizes: groups.map((group) => group.sockets),
    receipts: (eventId, timeoutMs) => {
      const already = arrived.get(eventId);
      arrived.delete(eventId);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => {
        const timer = setTimeout(() => send({ kind: "collect", eventId }), timeoutMs);
        waiting.set(eventId, (receipts) => {
          clearTimeout(timer);
          resolve(receipts);
        });
      });
    },
    close,
  };
}
