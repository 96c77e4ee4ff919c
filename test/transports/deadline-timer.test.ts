import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { atDeadline, MAX_TIMER_DELAY_MS } from "../../src/transports/deadline-timer.js";

const DAY_MS = 86_400_000;

beforeEach(() => {
  // Fake timers clamp a delay over 2^31 - 1 ms to 1 ms, as Node does.
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("atDeadline", () => {
  it("fires a deadline 30 days out at that moment, not after 1 ms (setTimeout's overflow)", () => {
    const fired = vi.fn();
    atDeadline(Date.now() + 30 * DAY_MS, fired);
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY_MS - MAX_TIMER_DELAY_MS - 1_000 - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * DAY_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("fires a near deadline once, at its moment", () => {
    const fired = vi.fn();
    atDeadline(Date.now() + 1_000, fired);
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("fires a deadline already past on the next turn of the timers, not synchronously", () => {
    const fired = vi.fn();
    atDeadline(Date.now() - 5_000, fired);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("never fires once cancelled, before or after it re-armed past setTimeout's limit", () => {
    const early = vi.fn();
    atDeadline(Date.now() + 30 * DAY_MS, early).cancel();
    const late = vi.fn();
    const deadline = atDeadline(Date.now() + 30 * DAY_MS, late);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1_000);
    deadline.cancel();
    vi.advanceTimersByTime(60 * DAY_MS);
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });
});
