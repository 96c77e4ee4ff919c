/**
 * A service token acting as a customer holds its streams in a cap of its own
 * (WS_MAX_SOCKETS_PER_SERVICE), not in the customer's (WS_MAX_SOCKETS_PER_CUSTOMER): it cannot
 * take the slots a customer's own clients need.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { createCustomer } from "../support/sandbox-control.js";

const WATCH = "subscription Watch { accountDeactivated { eventId } }";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { WS_MAX_SOCKETS_PER_CUSTOMER: "2", WS_MAX_SOCKETS_PER_SERVICE: "3" },
  });
});
afterAll(() => stack.close());

const open: Response[] = [];
afterAll(async () => {
  for (const response of open) await response.body?.cancel().catch(() => {});
});

/** Opens a multipart subscription stream; resolves with the answer's status (200: streaming). */
async function stream(token: string, actAs?: string) {
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
      authorization: `Bearer ${token}`,
      ...(actAs === undefined ? {} : { "x-act-as-customer": actAs }),
    },
    body: JSON.stringify({ query: WATCH }),
  });
  if (response.status === 200) {
    open.push(response);
    return { status: 200, errors: [] };
  }
  const body = (await response.json()) as { errors: { message: string; extensions: unknown }[] };
  return { status: response.status, errors: body.errors };
}

describe("service tokens have their own stream cap", () => {
  it("leaves the customer's own slots free, and refuses the service past its own cap", async () => {
    const alice = await createCustomer(stack, 1, 1);
    const bob = await createCustomer(stack, 1, 1);
    const service = await signToken(stack.config.auth, {
      scopes: [stack.config.auth.serviceScope],
    });
    // The service takes as many streams as the customer's cap allows, acting as Alice.
    expect((await stream(service, alice.id)).status).toBe(200);
    expect((await stream(service, alice.id)).status).toBe(200);
    // Alice's own clients still get both of their slots.
    const aliceToken = await tokenFor(stack, alice.id);
    expect((await stream(aliceToken)).status).toBe(200);
    expect((await stream(aliceToken)).status).toBe(200);
    expect(await stream(aliceToken)).toMatchObject({
      status: 429,
      errors: [{ extensions: { code: "SUBSCRIPTION_LIMIT" } }],
    });
    // The service's third stream (as Bob) fits its own cap; its fourth does not, whoever it names.
    expect((await stream(service, bob.id)).status).toBe(200);
    expect(await stream(service, bob.id)).toEqual({
      status: 429,
      errors: [
        {
          message:
            "At most 3 WebSockets and subscription streams per service token are open at once.",
          extensions: { code: "SUBSCRIPTION_LIMIT" },
        },
      ],
    });
  });
});
