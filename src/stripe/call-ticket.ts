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

/**
 * The request header that carries a call's ticket number from `sendWithTicket` to the HTTP
 * client, written as stripe-node writes the headers it is given (each word capitalised).
 * `takeTicket` removes it: it never leaves the process.
 */
export const TICKET_HEADER = "X-Gateway-Call-Ticket";

/** The tickets of the SDK calls in flight, by number. */
const tickets = new Map<string, CallTicket>();
let lastNumber = 0;

/**
 * Runs `send` (one SDK call) with `ticket` reachable from the HTTP client it ends in: `send` is
 * given the request headers to pass to the SDK (`{ headers }` in its request options), which
 * stripe-node hands to the HTTP client with every request of the call, its own retries included.
 * The ticket is forgotten once the call settled. No async context is involved (an
 * AsyncLocalStorage, on Node 20, puts a hook on every promise the process makes while it is on:
 * with background re-reads in flight that was every event's fan-out too).
 */
export async function sendWithTicket<T>(
  ticket: CallTicket,
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  lastNumber += 1;
  const number = String(lastNumber);
  tickets.set(number, ticket);
  try {
    return await send({ [TICKET_HEADER]: number });
  } finally {
    tickets.delete(number);
  }
}

/**
 * The ticket of the SDK call a request's `headers` belong to, if it was sent through
 * `sendWithTicket` and has not settled; removes the ticket header from `headers` (stripe-node
 * gives each request a copy of its own), so it is never sent.
 */
export function takeTicket(headers: Record<string, unknown>): CallTicket | undefined {
  const number = headers[TICKET_HEADER];
  if (number === undefined) return undefined;
  delete headers[TICKET_HEADER];
  return typeof number === "string" ? tickets.get(number) : undefined;
}

/** SDK calls sent through `sendWithTicket` and not yet settled (their tickets held). */
export function ticketsInFlight(): number {
  return tickets.size;
}
