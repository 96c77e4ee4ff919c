import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/** A running bare webhook endpoint. */
export interface BaselineWebhookServer {
  /** Its webhook URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the ingestion baseline on an ephemeral port of 127.0.0.1: node:http reading the raw body
 * and calling `stripe.webhooks.constructEvent` on it, nothing else (no framework, no body limit,
 * no dedupe, no Stripe read). Answers 200 `{"received":true}` for a valid signature, else 400.
 */
export async function startBaselineWebhook(secret: string): Promise<BaselineWebhookServer> {
  const stripe = new Stripe("sk_test_bench_verify_only");
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let status = 200;
      try {
        stripe.webhooks.constructEvent(
          Buffer.concat(chunks),
          request.headers["stripe-signature"] ?? "",
          secret,
        );
      } catch {
        status = 400;
      }
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify({ received: status === 200 }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
