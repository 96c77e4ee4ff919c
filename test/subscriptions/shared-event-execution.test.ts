import type { FormattedExecutionResult } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack } from "../support/gateway.js";
import { liveClient, waitForSubscribers } from "../support/live.js";
import {
  acknowledged,
  type ControlResult,
  control,
  createCustomer,
} from "../support/sandbox-control.js";
import { Changes } from "../support/wait.js";

// Issue 23 section 1: an event is resolved once per distinct selection, and every subscriber still
// gets exactly what its own operation asks for, with its own cursor and cost notices.

let stack: TestStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
afterAll(() => stack.close());

/** Every whole result (data, errors, extensions) a subscription received. */
interface Received {
  results: FormattedExecutionResult[];
  changes: Changes;
}

async function subscribe(
  customer: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Received> {
  const client = await liveClient(stack, customer);
  clients.push(client);
  const received: Received = { results: [], changes: new Changes() };
  client.subscribe(
    { query, variables },
    {
      next: (result) => {
        received.results.push(result as FormattedExecutionResult);
        received.changes.notify();
      },
      error: (error) => {
        received.results.push({ errors: [{ message: String(error) }] });
        received.changes.notify();
      },
      complete: () => {},
    },
  );
  return received;
}

async function deactivate(accountId: string): Promise<string> {
  const answer = await control<ControlResult>(
    stack,
    "POST",
    `/_sandbox/accounts/${accountId}/deactivate`,
    { cause: "access_expired" },
  );
  const [eventId = ""] = answer.events;
  await acknowledged(stack, eventId);
  return eventId;
}

const SAME =
  "subscription { accountDeactivated { eventId type cause action cursor account { id status health { state } } } }";

describe("one resolution per distinct selection", () => {
  it("gives every subscriber of one selection the same payload, cursor and cost notices included", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const subscribers = await Promise.all(
      Array.from({ length: 6 }, () => subscribe(customer.id, SAME)),
    );
    await waitForSubscribers(stack.gateway, customer.id, subscribers.length);

    const eventId = await deactivate(accountId);
    for (const subscriber of subscribers) {
      await subscriber.changes.until(
        () => (subscriber.results.length >= 1 ? true : undefined),
        "the event",
      );
    }

    const [first] = subscribers.map((subscriber) => subscriber.results[0]);
    expect(first?.errors).toBeUndefined();
    expect(first?.data).toMatchObject({
      accountDeactivated: { eventId, type: "DEACTIVATED", account: { id: accountId } },
    });
    const cursor = (first?.data?.accountDeactivated as { cursor?: string } | undefined)?.cursor;
    expect(cursor).toEqual(expect.any(String));
    expect(first?.extensions).toMatchObject({ cursor });
    for (const subscriber of subscribers) expect(subscriber.results).toEqual([first]);
  });

  it("answers each distinct selection, argument and customer with its own result", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    const [accountId] = owner.accounts as [string];
    const narrow = await subscribe(owner.id, "subscription { accountDeactivated { eventId } }");
    const wide = await subscribe(owner.id, SAME);
    const byVariable = (id: string) =>
      subscribe(
        owner.id,
        "subscription ($id: ID) { accountDeactivated(accountId: $id) { eventId account { id } } }",
        { id },
      );
    const mine = await byVariable(accountId);
    const elsewhere = await byVariable("fca_notThisAccount");
    const stranger = await subscribe(other.id, SAME);
    await waitForSubscribers(stack.gateway, owner.id, 4);
    await waitForSubscribers(stack.gateway, other.id, 1);

    const eventId = await deactivate(accountId);
    await narrow.changes.until(
      () => (narrow.results.length >= 1 ? true : undefined),
      "the narrow selection's event",
    );
    await wide.changes.until(
      () => (wide.results.length >= 1 ? true : undefined),
      "the wide selection's event",
    );
    await mine.changes.until(
      () => (mine.results.length >= 1 ? true : undefined),
      "the filtered event",
    );
    // Every subscriber of the owner pulled the event in the turn that delivered it: the
    // elsewhere-filtered one would have had it by now.
    await waitForSubscribers(stack.gateway, owner.id, 4);
    expect(narrow.results[0]?.data).toEqual({ accountDeactivated: { eventId } });
    expect(wide.results[0]?.data).toMatchObject({
      accountDeactivated: { eventId, account: { id: accountId, health: expect.any(Object) } },
    });
    expect(mine.results[0]?.data).toEqual({
      accountDeactivated: { eventId, account: { id: accountId } },
    });
    expect(elsewhere.results).toEqual([]);
    expect(stranger.results).toEqual([]);
  });
});
