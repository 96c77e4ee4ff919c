import { AsyncLocalStorage } from "node:async_hooks";
import type { StripeCaller } from "./fair-limiter.js";

/**
 * What the SDK's HTTP client knows of the FcApi call it is sending for: whose call it is, and
 * whether the call's admission already took the token for its next request.
 */
export interface CallTicket {
  caller: StripeCaller;
  /** True until the first HTTP request of this attempt uses the token admission took. */
  prepaid: boolean;
}

const tickets = new AsyncLocalStorage<CallTicket>();

/** Runs `send` (one SDK call) with `ticket` visible to the HTTP client it ends in. */
export function sendWithTicket<T>(ticket: CallTicket, send: () => Promise<T>): Promise<T> {
  return tickets.run(ticket, send);
}

/** The ticket of the SDK call being sent, if it was sent through `sendWithTicket`. */
export function currentTicket(): CallTicket | undefined {
  return tickets.getStore();
}
