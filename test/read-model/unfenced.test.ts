/**
 * `unfenced` (src/data/read-your-writes.ts): the fast path of an operation's fenced reads is taken
 * only while the customer has no fence at all, stored before the operation or raised by it.
 */
import { describe, expect, it } from "vitest";
import { operationFences } from "../../src/data/read-your-writes.js";
import { inMemoryFenceStore } from "../../src/read-model/fences.js";

const fencesOf = (store = inMemoryFenceStore(), customerId = "cus_A") =>
  operationFences({ store, customerId, readSession: async () => undefined });

describe("an operation's fences: unfenced", () => {
  it("is true for a customer with no fence, and every copy may serve", async () => {
    const fences = fencesOf();
    expect(await fences.unfenced()).toBe(true);
    expect(await fences.mayServe("authorization", { id: "fcauth_1" } as never, 0)).toBe(true);
  });

  it("is false once the operation opened a relink session, and the copies it governs do not serve", async () => {
    const fences = fencesOf();
    await fences.opened("fcsess_1", "fcauth_1");
    expect(await fences.unfenced()).toBe(false);
    expect(await fences.mayServe("authorization", { id: "fcauth_1" } as never, 0)).toBe(false);
  });

  it("is false for an operation of a customer another operation fenced before it began", async () => {
    const store = inMemoryFenceStore();
    await fencesOf(store).opened("fcsess_1", "fcauth_1");
    expect(await fencesOf(store).unfenced()).toBe(false);
    // Another customer's fences are not this one's.
    expect(await fencesOf(store, "cus_B").unfenced()).toBe(true);
  });
});
