/**
 * How far ahead of the gateway's clock an event's `created` may be (clock skew between Stripe and
 * the gateway); beyond it, the event is dated when the gateway received it.
 */
export const EVENT_CLOCK_SKEW_MS = 60_000;

/**
 * The time (milliseconds) an event's object state is dated from: the event's `created` (Stripe's
 * whole seconds) when it is a finite number no later than `receivedAtMs` plus EVENT_CLOCK_SKEW_MS;
 * otherwise (far in the future, `1e300`, NaN, not a number at all) `receivedAtMs`, the time the
 * gateway received it. A signed event can therefore never date a state later than the gateway's
 * clock allows, so it cannot pin the stored object past later genuine changes.
 */
export function eventTimeMs(created: unknown, receivedAtMs: number): number {
  if (typeof created !== "number" || !Number.isFinite(created)) return receivedAtMs;
  const createdMs = created * 1000;
  return createdMs > receivedAtMs + EVENT_CLOCK_SKEW_MS ? receivedAtMs : createdMs;
}
