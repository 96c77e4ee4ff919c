/**
 * The load balancer in front of several gateway instances, for Stripe's webhooks: Stripe knows
 * one endpoint URL; each delivery goes to the next instance in turn, and to the one after when an
 * instance does not answer at all (connection refused or reset: a dead instance), as nginx's
 * `proxy_next_upstream error` does. An instance's own answer (2xx, 4xx, 5xx) is passed back as it is.
 */
import { createServer } from "node:http";
import { listen, readBody, shutdown } from "./http-server.js";

/** A running balancer: its URL (give it to the sandbox), and what it forwarded. */
export interface WebhookBalancer {
  url: string;
  /** Deliveries answered by an instance, by its answer's status. */
  answered: Map<number, number>;
  /** Deliveries no instance answered (answered 502 to Stripe). */
  unanswered: number;
  close(): Promise<void>;
}

/** Starts a balancer over `backends()` (base URLs, read on each delivery). */
export async function startWebhookBalancer(backends: () => string[]): Promise<WebhookBalancer> {
  let turn = 0;
  const answered = new Map<number, number>();
  const balancer: WebhookBalancer = { url: "", answered, unanswered: 0, close: async () => {} };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const headers: Record<string, string> = {};
    for (const name of ["content-type", "stripe-signature", "user-agent"]) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const targets = backends();
    turn += 1;
    for (let attempt = 0; attempt < targets.length; attempt += 1) {
      const target = targets[(turn + attempt) % targets.length];
      try {
        const answer = await fetch(`${target}${request.url ?? "/"}`, {
          method: request.method,
          headers,
          body,
        });
        const text = await answer.text();
        answered.set(answer.status, (answered.get(answer.status) ?? 0) + 1);
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(text);
        return;
      } catch {
        // No answer from this instance: the next one.
      }
    }
    balancer.unanswered += 1;
    response.writeHead(502, { "content-type": "application/json" });
    response.end('{"error":"no instance answered"}');
  });
  const port = await listen(server);
  balancer.url = `http://127.0.0.1:${port}`;
  balancer.close = () => shutdown(server);
  return balancer;
}
