/**
 * Helpers for resumable subscriptions: a burst of lifecycle events published through the
 * gateway's webhook path, and a raw Server-Sent Events reader that sees each event's `id:` and
 * can send `Last-Event-ID`, as a browser's EventSource does on reconnect.
 */
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import type { TestStack } from "./gateway.js";
import type { Feed } from "./live.js";
import { Changes } from "./wait.js";
import { accountEvent, deliver, signatureFor } from "./webhook.js";

/**
 * Delivers `count` new `deactivated` events of the (already inactive) account to the gateway at
 * `gatewayUrl`, one after the other (so they are published in this order), each answered
 * `published`; returns their ids in order.
 */
export async function publishDeactivations(
  stack: TestStack,
  gatewayUrl: string,
  accountId: string,
  count: number,
): Promise<string[]> {
  const response = await fetch(
    `${stack.sandbox.url}/v1/financial_connections/accounts/${accountId}`,
    { headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` } },
  );
  const account = (await response.json()) as Record<string, unknown>;
  if (account.status !== "inactive") throw new Error(`${accountId} is not inactive`);
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const payload = accountEvent("financial_connections.account.deactivated", account);
    const answer = await deliver(
      gatewayUrl,
      payload,
      signatureFor(payload, stack.config.webhookSecrets[0] ?? ""),
    );
    if (answer.body.outcome !== "published") {
      throw new Error(`event not published: ${JSON.stringify(answer.body)}`);
    }
    ids.push((JSON.parse(payload) as { id: string }).id);
  }
  return ids;
}

/** One SSE `next` event: its `id:` line (if any) and its GraphQL result. */
export interface SseEvent {
  id: string | undefined;
  result: {
    data?: Record<string, unknown>;
    errors?: unknown[];
    extensions?: Record<string, unknown>;
  };
}

/** A raw SSE subscription: the `next` events' data as a Feed, and each event with its `id:`. */
export type RawSseFeed<T> = Feed<T> & { received: SseEvent[]; status: Promise<number> };

/**
 * POSTs the operation to `/graphql/stream` with `Accept: text/event-stream` (and
 * `Last-Event-ID` when given) and records each `next` event until `stop`.
 */
export function rawSseFeed<T = Record<string, unknown>>(
  gatewayUrl: string,
  token: string,
  query: string,
  lastEventId?: string,
): RawSseFeed<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const received: SseEvent[] = [];
  const changes = new Changes();
  const abort = new AbortController();
  const status = (async () => {
    const response = await fetch(`${gatewayUrl}/graphql/stream`, {
      method: "POST",
      signal: abort.signal,
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${token}`,
        ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
      },
      body: JSON.stringify({ query }),
    });
    void (async () => {
      let buffer = "";
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body ?? []) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = new Map<string, string>();
            for (const line of message.split("\n")) {
              const colon = line.indexOf(":");
              if (colon <= 0) continue;
              fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
            }
            if (fields.get("event") !== "next") continue;
            const result = JSON.parse(fields.get("data") ?? "{}") as SseEvent["result"];
            received.push({ id: fields.get("id"), result });
            if (result.errors) errors.push(...result.errors);
            if (result.data) events.push(result.data as T);
            changes.notify();
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) {
          errors.push(error);
          changes.notify();
        }
      }
    })();
    return response.status;
  })().catch((error: unknown) => {
    if (abort.signal.aborted) return 0;
    errors.push(error);
    changes.notify();
    return 0;
  });
  return { events, errors, received, changes, status, stop: () => abort.abort() };
}
