import { atDeadline } from "./deadline-timer.js";

/** Close code for a customer over its socket cap (graphql-ws leaves 4400-4499 to servers). */
export const CLOSE_TOO_MANY_SOCKETS = 4429;
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
 * The limits a WebSocket has beyond the pipeline's: per customer, per socket, per token. The
 * streaming HTTP transports (SSE, multipart) hold a slot per stream in the same per-customer cap.
 */
export interface SocketLimits {
  /**
   * Counts a socket authenticated as `customerId`: over the customer's cap it is closed with
   * 4429 and undefined returned; otherwise it is closed with 4403 when its token expires at
   * `expiresAt` (epoch seconds), however far out that is.
   */
  open(
    socket: ClosableSocket,
    customerId: string,
    expiresAt: number | undefined,
  ): SocketHold | undefined;
  /** Most operations one socket may run at once (the one being subscribed included). */
  readonly maxOperationsPerSocket: number;
  /** Most sockets and subscription streams one customer may hold open at once. */
  readonly maxSocketsPerCustomer: number;
}

/** Socket limits from the configuration (`config.websocket`). */
export function socketLimits(limits: {
  maxSocketsPerCustomer: number;
  maxSubscriptionsPerSocket: number;
}): SocketLimits {
  const socketsByCustomer = new Map<string, number>();
  return {
    maxOperationsPerSocket: limits.maxSubscriptionsPerSocket,
    maxSocketsPerCustomer: limits.maxSocketsPerCustomer,
    open: (socket, customerId, expiresAt) => {
      const open = socketsByCustomer.get(customerId) ?? 0;
      if (open >= limits.maxSocketsPerCustomer) {
        socket.close(CLOSE_TOO_MANY_SOCKETS, "Too many sockets for this customer");
        return undefined;
      }
      socketsByCustomer.set(customerId, open + 1);
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
          const remaining = (socketsByCustomer.get(customerId) ?? 1) - 1;
          if (remaining <= 0) socketsByCustomer.delete(customerId);
          else socketsByCustomer.set(customerId, remaining);
        },
      };
    },
  };
}
