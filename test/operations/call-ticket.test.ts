import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  type CallTicket,
  sendWithTicket,
  TICKET_HEADER,
  takeTicket,
  ticketsInFlight,
} from "../../src/stripe/call-ticket.js";
import { SYSTEM_CALLER } from "../../src/stripe/fair-limiter.js";

/** A ticket told apart by its route. */
const ticket = (route: string): CallTicket => ({ caller: SYSTEM_CALLER, prepaid: true, route });

/** Resolves on a later turn of the event loop (a timer), as an HTTP answer would. */
const later = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("call tickets", () => {
  it("a request finds its own call's ticket after awaits, while other calls start and finish around it", async () => {
    const seen: (string | undefined)[] = [];
    let releaseLong: () => void = () => {};
    const longGate = new Promise<void>((resolve) => {
      releaseLong = resolve;
    });
    const long = sendWithTicket(ticket("long"), async (headers) => {
      await longGate;
      await later();
      seen.push(takeTicket({ ...headers })?.route);
    });
    await sendWithTicket(ticket("short"), async (headers) => {
      await later();
      seen.push(takeTicket({ ...headers })?.route);
    });
    releaseLong();
    await long;
    expect(seen).toEqual(["short", "long"]);
  });

  it("takes the ticket header out of the request's headers, so it is never sent", async () => {
    await sendWithTicket(ticket("one"), async (headers) => {
      const request: Record<string, unknown> = { Accept: "application/json", ...headers };
      expect(takeTicket(request)?.route).toBe("one");
      expect(request).toEqual({ Accept: "application/json" });
    });
  });

  it("no ticket for a request outside any call, nor for one of a call that settled (or threw)", async () => {
    expect(takeTicket({ Accept: "application/json" })).toBeUndefined();
    let kept: Record<string, string> = {};
    await sendWithTicket(ticket("done"), async (headers) => {
      kept = headers;
    });
    expect(takeTicket({ ...kept })).toBeUndefined();
    await expect(
      sendWithTicket(ticket("failing"), async (headers) => {
        kept = headers;
        await later();
        throw new Error("upstream failed");
      }),
    ).rejects.toThrow("upstream failed");
    expect(takeTicket({ ...kept })).toBeUndefined();
    expect(ticketsInFlight()).toBe(0);
  });

  it("stripe-node hands the header to its HTTP client with every request of the call, its own retries included", async () => {
    const seen: (string | undefined)[] = [];
    let requests = 0;
    const inner = Stripe.createNodeHttpClient();
    const httpClient = {
      getClientName: () => inner.getClientName(),
      makeRequest: async (...args: Parameters<typeof inner.makeRequest>) => {
        const headers = args[4] as Record<string, unknown>;
        seen.push(takeTicket(headers)?.route);
        expect(headers[TICKET_HEADER]).toBeUndefined();
        requests += 1;
        // The first attempt fails as a closed connection would: stripe-node retries it once.
        if (requests === 1)
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        return {
          getStatusCode: () => 200,
          getHeaders: () => ({}),
          getRawResponse: () => ({}),
          toStream: () => {
            throw new Error("not streamed");
          },
          toJSON: async () => ({ id: "fca_1", object: "financial_connections.account" }),
        };
      },
    } as unknown as NonNullable<Stripe.StripeConfig["httpClient"]>;
    const stripe = new Stripe("sk_test_x", { httpClient, maxNetworkRetries: 0, telemetry: false });
    const account = await sendWithTicket(ticket("retrieve"), (headers) =>
      stripe.financialConnections.accounts.retrieve("fca_1", {}, { headers }),
    );
    expect(account.id).toBe("fca_1");
    expect(seen).toEqual(["retrieve", "retrieve"]);
  });
});
