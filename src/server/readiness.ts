import type { AccountEventBus } from "../pubsub/event-bus.js";
import { type StripeCallOutcomes, stateOfStatus } from "../stripe/call-outcomes.js";
import type { FcApi } from "../stripe/fc-api.js";

/** One dependency's state: "ok", or a short reason it is not usable. */
export type CheckResult = "ok" | "unreachable" | "unauthorized" | "timeout" | "unhealthy";

/** A readiness check: resolves with the dependency's state, never rejects. */
export type ReadinessCheck = () => Promise<CheckResult>;

/** The id the Stripe probe asks for: any answer (404 included) proves Stripe is there. */
const PROBE_ACCOUNT_ID = "fca_readinessProbe";

const withTimeout = (check: Promise<CheckResult>, timeoutMs: number): Promise<CheckResult> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  return Promise.race([check, timeout]).finally(() => clearTimeout(timer));
};

/** How long the outcome of a real Stripe call stands for Stripe's state in readiness, in ms. */
export const STRIPE_OUTCOME_FRESH_MS = 10_000;

/**
 * Stripe (or the sandbox) is reachable with our key. When a real Stripe call had an outcome in
 * the last `STRIPE_OUTCOME_FRESH_MS` (`outcomes`), that outcome answers and nothing is sent: a
 * busy (even saturated) budget is proof enough, and probing would only spend it. Otherwise one
 * cheap GET through the gateway's FcApi (the shared limiter, system share, counted in metrics).
 * Any HTTP answer but 401/403 is "ok" (a 404 for the probe id is the expected one); 401/403 is
 * "unauthorized" (a bad key); no answer is "unreachable", or "timeout" after `timeoutMs`.
 */
export function stripeReadiness(
  fc: FcApi,
  timeoutMs: number,
  outcomes?: StripeCallOutcomes,
): ReadinessCheck {
  return () => {
    const known = outcomes?.recent(STRIPE_OUTCOME_FRESH_MS);
    if (known !== undefined) return Promise.resolve(known);
    return withTimeout(
      fc.retrieveAccount(PROBE_ACCOUNT_ID).then(
        (): CheckResult => "ok",
        (error: unknown): CheckResult => {
          const status = (error as { statusCode?: unknown } | null)?.statusCode;
          return stateOfStatus(typeof status === "number" ? String(status) : "network");
        },
      ),
      timeoutMs,
    );
  };
}

/** The event bus can accept events now (always for the in-process bus; Redis connected otherwise). */
export function busReadiness(bus: AccountEventBus, timeoutMs: number): ReadinessCheck {
  return () =>
    withTimeout(
      bus.healthy().then(
        (healthy): CheckResult => (healthy ? "ok" : "unhealthy"),
        (): CheckResult => "unreachable",
      ),
      timeoutMs,
    );
}
