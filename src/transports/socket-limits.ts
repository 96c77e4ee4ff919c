import { atDeadline } from "./deadline-timer.js";

/** Close code for a customer over its socket cap (graphql-ws leaves 4400-4499 to servers). */
export const CLOSE_TOO_MANY_SOCKETS = 4429;
/** Close code for a socket whose reader fell too far behind (SLOW_CONSUMER). */
export const CLOSE_SLOW_CONSUMER = 4413;
/** graphql-ws's close code for a refused or expired token. */
export const CLOSE_FORBIDDEN = 4403;

/** A socket as these limits use it: something closed with a code and a reason. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

/** One open socket counted against its customer; released when the socket closes. */
export interface SocketHold {
  /** Stops the expiry deadline and gives the customer's slot back. Safe to call twice. */
  release(): void;
}

/**
 * Whose slots a socket or stream takes: its customer's, or, for a service token acting as a
 * customer, the service token's own (by its subject), so a service cannot use up a customer's.
 */
export type SlotOwner = { kind: "customer"; id: string } | { kind: "service"; id: string };

/** The slot owner of an authenticated caller: its service token's subject, else its customer. */
export const slotOwnerOf = (auth: {
  viewer: { customerId: string };
  service?: string;
}): SlotOwner =>
  auth.service === undefined
    ? { kind: "customer", id: auth.viewer.customerId }
    : { kind: "service", id: auth.service };

/**
 * The limits a WebSocket has beyond the pipeline's: per customer (or service token), per socket,
 * per token. The streaming HTTP transports (SSE, multipart) hold a slot per stream in the same cap.
 */
export interface SocketLimits {
  /**
   * Counts a socket held by `owner`: over the owner's cap (a customer's, or a service token's)
   * it is closed with 4429 and undefined returned; otherwise it is closed with 4403 when its token
   * expires at `expiresAt` (epoch seconds), however far out that is.
   */
  open(
    socket: ClosableSocket,
    owner: SlotOwner,
    expiresAt: number | undefined,
  ): SocketHold | undefined;
  /** Most operations one socket may run at once (the one being subscribed included). */
  readonly maxOperationsPerSocket: number;
  /** Most sockets and subscription streams one customer may hold open at once. */
  readonly maxSocketsPerCustomer: number;
  /** Most sockets and subscription streams one service token may hold open at once. */
  readonly maxSocketsPerService: number;
}

/** Socket limits from the configuration (`config.websocket`). */
export function socketLimits(limits: {
  maxSocketsPerCustomer: number;
  maxSocketsPerService: number;
  maxSubscriptionsPerSocket: number;
}): SocketLimits {
  const held = new Map<string, number>();
  return {
    maxOperationsPerSocket: limits.maxSubscriptionsPerSocket,
    maxSocketsPerCustomer: limits.maxSocketsPerCustomer,
    maxSocketsPerService: limits.maxSocketsPerService,
    open: (socket, owner, expiresAt) => {
      const key = `${owner.kind}:${owner.id}`;
      const cap =
        owner.kind === "service" ? limits.maxSocketsPerService : limits.maxSocketsPerCustomer;
      const open = held.get(key) ?? 0;
      if (open >= cap) {
        socket.close(CLOSE_TOO_MANY_SOCKETS, `Too many sockets for this ${owner.kind}`);
        return undefined;
      }
      held.set(key, open + 1);
      // Not a bare setTimeout: a delay over 24.8 days would fire at once.
      const expiry =
        expiresAt === undefined
          ? undefined
          : atDeadline(expiresAt * 1000, () => socket.close(CLOSE_FORBIDDEN, "Token expired"));
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          expiry?.cancel();
          const remaining = (held.get(key) ?? 1) - 1;
          if (remaining <= 0) held.delete(key);
          else held.set(key, remaining);
        },
      };
    },
  };
}
