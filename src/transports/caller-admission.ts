import type { CallerAdmission, VerifiedCaller } from "../pipeline/runner.js";
import { CLOSE_FORBIDDEN, type SocketLimits, slotOwnerOf } from "./socket-limits.js";

/** Admitted, nothing held. */
const NOTHING_HELD: CallerAdmission = { admitted: true, release: () => {} };

/**
 * A socket's admission of one more operation: refused SUBSCRIPTION_LIMIT when `running` (graphql-ws
 * registers the operation being subscribed before its hook runs, so it counts) is over the
 * socket's cap.
 */
export function socketOperationCap(limits: SocketLimits, running: number): CallerAdmission {
  if (running <= limits.maxOperationsPerSocket) return NOTHING_HELD;
  const message = `At most ${limits.maxOperationsPerSocket} operations per socket.`;
  return { admitted: false, refusal: { code: "SUBSCRIPTION_LIMIT", message, status: 429 } };
}

/**
 * A stream's slot (SSE, multipart) in its caller's cap, shared with its WebSockets: a customer's,
 * or a service token's own, whichever customer it acts as; refused 429 SUBSCRIPTION_LIMIT over
 * it. An anonymous caller holds none. `expire` is called when the token expires while it streams;
 * `released` once the slot is given back.
 */
export function streamSlot(
  limits: SocketLimits,
  caller: VerifiedCaller,
  expire: () => void,
  released: () => void,
): CallerAdmission {
  const { viewer } = caller;
  if (viewer === null) return { admitted: true, release: released };
  const owner = slotOwnerOf({ ...caller, viewer });
  const expiry = { close: (code: number) => code === CLOSE_FORBIDDEN && expire() };
  const hold = limits.open(expiry, owner, caller.expiresAt);
  if (hold !== undefined) {
    return {
      admitted: true,
      release: () => {
        hold.release();
        released();
      },
    };
  }
  const message =
    owner.kind === "service"
      ? `At most ${limits.maxSocketsPerService} WebSockets and subscription streams per service token are open at once.`
      : `At most ${limits.maxSocketsPerCustomer} WebSockets and subscription streams per customer are open at once.`;
  return { admitted: false, refusal: { code: "SUBSCRIPTION_LIMIT", message, status: 429 } };
}
