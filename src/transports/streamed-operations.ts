import type {
  OperationOutcome,
  OperationRunner,
  ReceivedOperation,
  ResultStream,
  StreamItem,
  Transport,
  TransportProfile,
} from "../pipeline/runner.js";
import { streamSlot } from "./caller-admission.js";
import type { SocketLimits } from "./socket-limits.js";

export type { OperationOutcome, StreamItem } from "../pipeline/runner.js";

/** One operation a streaming HTTP transport (SSE, multipart) received. */
export type StreamedRequest = Omit<ReceivedOperation, "caller"> & {
  transport: Extract<Transport, "sse" | "multipart">;
  credentials: { authorization: string | undefined; actAsCustomer: string | undefined };
};

/** Operations over the streaming HTTP transports, all counted and ended together. */
export interface StreamedOperations {
  /** Runs `request` through the runner; see `streamedOperations`. */
  start(request: StreamedRequest): Promise<OperationOutcome>;
  /** Streams open now. */
  openCount(): number;
  /** Ends every open stream (shutdown): each completes as if its source had. */
  close(): void;
}

const LABELS = { sse: "Server-Sent Events", multipart: "multipart HTTP" } as const;

/**
 * The streaming HTTP transports' share (graphql-sse, multipart subscriptions): each operation is
 * the runner's, with this transport's admission of its caller: a customer's open streams count in
 * `limits` with its WebSockets, one cap, and a service token's in a cap of its own, whichever
 * customer it acts as (over either: 429 SUBSCRIPTION_LIMIT, nothing parsed or charged); the slot
 * is released when the operation ends, and a token that expires while it streams ends it. Open
 * streams are counted (metrics) and ended together at shutdown.
 */
export function streamedOperations(
  runner: OperationRunner,
  limits: SocketLimits,
): StreamedOperations {
  const open = new Set<{ items?: ResultStream<StreamItem> }>();
  return {
    openCount: () => open.size,
    close: () => {
      for (const stream of open) stream.items?.stop();
    },
    start: async ({ transport, credentials, ...received }) => {
      // This operation's stream, counted from its admission until the runner releases it.
      const entry: { items?: ResultStream<StreamItem>; ended?: boolean } = {};
      const ended = () => {
        entry.ended = true;
        open.delete(entry);
      };
      const profile: TransportProfile = {
        name: transport,
        label: LABELS[transport],
        subscriptions: true,
        admitCaller: (caller, expire) => streamSlot(limits, caller, expire, ended),
      };
      const outcome = await runner.run(
        { ...received, caller: { credentials }, inheritActiveSpan: true },
        profile,
      );
      if (outcome.kind === "stream" && !entry.ended) {
        entry.items = outcome.items;
        open.add(entry);
      }
      return outcome;
    },
  };
}
