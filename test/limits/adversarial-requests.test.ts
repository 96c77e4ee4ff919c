import { getIntrospectionQuery } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PricingWork } from "../../src/limits/estimate-cost.js";
import { countTokens, fragmentFanOut } from "../support/adversarial-documents.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { createCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

/**
 * Issue 11's document, 12 levels of fragments deep (each spreading the next three times) rather
 * than 16: a pricing that re-walks fragments then takes half a million visits, not 43 million,
 * so the check fails by its count instead of stalling the test process for a minute.
 */
const FAN_OUT = fragmentFanOut(12);
const FAN_OUT_PRICE = (3 ** 12 - 1) / 2;

const pricingWork: PricingWork = { pricings: 0, visits: 0 };
let stack: TestStack;
let customer: string;
let ws: Client;

beforeAll(async () => {
  stack = await startStack({ pricingWork });
  customer = (await createCustomer(stack, 1, 1)).id;
  ws = await liveClient(stack, customer);
});
afterAll(async () => {
  await ws.dispose();
  await stack.close();
});

/** The pricing work one call causes in the gateway. */
async function pricingWorkOf(call: () => Promise<unknown>): Promise<PricingWork> {
  const before = { ...pricingWork };
  await call();
  return {
    pricings: pricingWork.pricings - before.pricings,
    visits: pricingWork.visits - before.visits,
  };
}

describe("a request without a token gets no analysis beyond parsing", () => {
  it("refuses the adversarial fan-out with 401 UNAUTHENTICATED, without pricing it", async () => {
    let response: Awaited<ReturnType<typeof graphql>> | undefined;
    const work = await pricingWorkOf(async () => {
      response = await graphql(stack, FAN_OUT);
    });
    expect(response?.status).toBe(401);
    expect(response?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(work).toEqual({ pricings: 0, visits: 0 });
  });

  it("refuses an invalid document with 401 before validating it, not with a validation error", async () => {
    for (const query of [
      "{ accounts { nodes { notAField } } }",
      "{ accounts { nodes { authorization { accounts { authorization { accounts { authorization { accounts { authorization { accounts { authorization { id } } } } } } } } } } } }",
    ]) {
      const response = await graphql(stack, query);
      expect(response.status).toBe(401);
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    }
  });

  it("still answers development introspection (GraphiQL's own query) without a token", async () => {
    const response = await graphql(stack, getIntrospectionQuery());
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });
});

describe("the adversarial fan-out with a valid token is priced in work linear in its size", () => {
  const refusal = () =>
    `Query cost limit of ${stack.config.graphql.limits.maxCost} exceeded, found ${FAN_OUT_PRICE}.`;

  it("over HTTP: refused over the cost limit", async () => {
    let response: Awaited<ReturnType<typeof graphql>> | undefined;
    const work = await pricingWorkOf(async () => {
      response = await graphql(stack, FAN_OUT, {}, customer);
    });
    expect(response?.status).toBe(400);
    expect(response?.errors?.map((error) => error.message)).toEqual([refusal()]);
    expect(work.pricings).toBe(1);
    expect(work.visits).toBeLessThanOrEqual(countTokens(FAN_OUT));
  });

  it("over WebSocket: refused over the cost limit", async () => {
    let outcome: Awaited<ReturnType<typeof wsOperation>> | undefined;
    const work = await pricingWorkOf(async () => {
      outcome = await wsOperation(ws, FAN_OUT);
    });
    expect(outcome?.errors?.map((error) => error.message)).toEqual([refusal()]);
    expect(work.pricings).toBe(1);
    expect(work.visits).toBeLessThanOrEqual(countTokens(FAN_OUT));
  });
});
