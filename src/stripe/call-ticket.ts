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
  /** The call's route template (`GET /v1/financial_connections/accounts/{account}`), for its spans. */
  route?: string;
  /** How long admission waited for the prepaid token (ms): the first request's limiter wait. */
  admissionWaitMs?: number;
  /** What the HTTP client saw of the call's requests, every attempt included (its spans read it). */
  sent?: SentRequests;
}

/** The HTTP requests one FcApi call sent so far, as the HTTP client saw them. */
export interface SentRequests {
  /** Requests sent (our 429 retries and stripe-node's own retries included). */
  count: number;
  /** The last answer's status, "network" when none came. */
  lastStatus?: number | "network";
  /** The last answer's Stripe `request-id` header. */
  lastRequestId?: string;
  /** Limiter waits of requests admission did not pay for (stripe-node's retries), in ms. */
  retryWaitMs: number;
}

const tickets = new AsyncLocalStorage<CallTicket>();

/** SDK calls sent through `sendWithTicket` and not yet settled. */
let callsInFlight = 0;

const callEnded = () => {
  callsInFlight -= 1;
  // On Node 20 an enabled AsyncLocalStorage runs async hooks on every promise the process makes
  // (~8 % of a warm dashboard's CPU, where no Stripe call is made): off while no call needs it.
  if (callsInFlight === 0) tickets.disable();
};

/**
 * Runs `send` (one SDK call) with `ticket` visible to the HTTP client it ends in. The storage is
 * on only while at least one such call is in flight (see `ticketStorageOn`).
 */
export async function sendWithTicket<T>(ticket: CallTicket, send: () => Promise<T>): Promise<T> {
  callsInFlight += 1;
  try {
    return await tickets.run(ticket, send);
  } finally {
    callEnded();
  }
}

/** The ticket of the SDK call being sent, if it was sent through `sendWithTicket`. */
export function currentTicket(): CallTicket | undefined {
  return tickets.getStore();
}

/**
 * Whether the ticket storage (and with it, on Node 20, an async hook on every promise) is on:
 * true exactly while a call sent through `sendWithTicket` has not settled.
 */
export function ticketStorageOn(): boolean {
  return callsInFlight > 0;
}
