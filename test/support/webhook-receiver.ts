/** A local webhook endpoint that records every delivery the sandbox makes to it. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { listen, readBody, shutdown } from "./http-server.js";
import { pick, safeJson } from "./stripe-json.js";
import { Changes, DEFAULT_WAIT_MS } from "./wait.js";

/** One webhook POST as received: raw bytes (as UTF-8) and headers, untouched. */
export interface Delivery {
  rawBody: string;
  headers: IncomingHttpHeaders;
  receivedAt: number;
  answeredStatus: number;
}

/** A node:http webhook endpoint on port 0 that records every delivery. */
export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Status to answer for each delivery; defaults to 200. */
  respond: (fn: (delivery: Omit<Delivery, "answeredStatus">) => number) => void;
  /**
   * Resolves with `probe`'s first answer other than undefined, checked now and after each
   * recorded delivery; rejects naming `what` after `timeoutMs`.
   */
  until: <T>(probe: () => T | undefined, what: string, timeoutMs?: number) => Promise<T>;
  close: () => Promise<void>;
}

/** Starts a webhook receiver that answers 200 (or what `respond` decides) and records all. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const changes = new Changes();
  let decide: (delivery: Omit<Delivery, "answeredStatus">) => number = () => 200;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const received = {
        rawBody: body.toString("utf8"),
        headers: req.headers,
        receivedAt: Date.now(),
      };
      const status = decide(received);
      deliveries.push({ ...received, answeredStatus: status });
      changes.notify();
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    deliveries,
    respond: (fn) => {
      decide = fn;
    },
    until: (probe, what, timeoutMs = DEFAULT_WAIT_MS) => changes.until(probe, what, timeoutMs),
    close: () => shutdown(server),
  };
}

/** Deliveries (parsed) of the event with this id. */
export function deliveriesOf(receiver: WebhookReceiver, eventId: string): Delivery[] {
  return receiver.deliveries.filter((d) => pick(safeJson(d.rawBody), "id") === eventId);
}
