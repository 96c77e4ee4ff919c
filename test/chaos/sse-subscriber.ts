/**
 * A chaos subscriber over graphql-sse (`/graphql/stream`, distinct connections), resuming as a
 * browser's EventSource does: when its stream ends or breaks, it reconnects (to whichever
 * instance is up) with the last event's `id:` as `Last-Event-ID`.
 */
import { STATUS_CHANGES, type Subscriber } from "./subscriber-fleet.js";

/** What an SSE subscriber needs: where to connect now, its token, and whom to tell of a receipt. */
export interface SseSubscriberOptions {
  subscriber: Subscriber;
  /** The base URL of the instance to (re)connect to. */
  baseUrl(): string;
  authorization: string;
  /** Called after each receipt or error. */
  changed(): void;
}

/** Starts the subscriber; the returned function stops it. */
export function openSseSubscriber(options: SseSubscriberOptions): () => Promise<void> {
  const { subscriber } = options;
  const abort = new AbortController();
  let lastEventId: string | undefined;

  const readStream = async () => {
    const response = await fetch(`${options.baseUrl()}/graphql/stream`, {
      method: "POST",
      signal: abort.signal,
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: options.authorization,
        ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
      },
      body: JSON.stringify({ query: STATUS_CHANGES }),
    });
    if (response.status !== 200) throw new Error(`/graphql/stream answered ${response.status}`);
    subscriber.connections += 1;
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body ?? []) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const fields = new Map<string, string>();
        for (const line of buffer.slice(0, end).split("\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        buffer = buffer.slice(end + 2);
        if (fields.get("event") !== "next") continue;
        const result = JSON.parse(fields.get("data") ?? "{}") as {
          data?: { accountStatusChanged?: { eventId: string; cursor: string } };
          errors?: unknown[];
        };
        const event = result.data?.accountStatusChanged;
        if (event) {
          subscriber.received.push({
            eventId: event.eventId,
            position: event.cursor.slice(0, event.cursor.lastIndexOf(".")),
          });
          lastEventId = fields.get("id");
        }
        if (result.errors) subscriber.errors.push(...result.errors);
        options.changed();
      }
    }
  };

  const running = (async () => {
    while (!abort.signal.aborted) {
      try {
        await readStream();
      } catch {
        // The instance went away or refused: reconnect, as EventSource does.
      }
      if (!abort.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    abort.abort();
    await running;
  };
}
