import { describe, expect, it } from "vitest";
import { isStripeEvent } from "../../src/webhooks/event-shape.js";

const event = {
  id: "evt_1",
  type: "financial_connections.account.deactivated",
  data: { object: { id: "fca_1" } },
};

describe("isStripeEvent", () => {
  it("accepts an event object with an id, a type and an object in data, whatever else it carries", () => {
    expect(isStripeEvent(event)).toBe(true);
    expect(
      isStripeEvent({ ...event, livemode: false, data: { object: {}, previous_attributes: {} } }),
    ).toBe(true);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["an array", [event]],
    ["a string", "evt_1"],
    ["an empty id", { ...event, id: "" }],
    ["an id that is not a string", { ...event, id: 12 }],
    ["no type", { id: "evt_1", data: event.data }],
    ["an empty type", { ...event, type: "" }],
    ["no data", { id: "evt_1", type: event.type }],
    ["data that is an array", { ...event, data: [event.data] }],
    ["data.object null", { ...event, data: { object: null } }],
    ["data.object a string", { ...event, data: { object: "fca_1" } }],
    ["data.object an array", { ...event, data: { object: [{ id: "fca_1" }] } }],
  ])("refuses %s", (_name, value) => {
    expect(isStripeEvent(value)).toBe(false);
  });
});
