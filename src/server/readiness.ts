import type { AccountEventBus } from "../pubsub/event-bus.js";
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

/**
 * Stripe (or the sandbox) is reachable with our key: one cheap GET through the gateway's FcApi
 * (so through the shared rate limiter, and counted in metrics). Any HTTP answer but 401/403 is
 * "ok" (a 404 for the probe id is the expected one); 401/403 is "unauthorized" (a bad key);
 * no answer is "unreachable", or "timeout" after `timeoutMs`.
 */
export function stripeReadiness(fc: FcApi, timeoutMs: number): ReadinessCheck {
  return () =>
    withTimeout(
      fc.retrieveAccount(PROBE_ACCOUNT_ID).then(
        (): CheckResult => "ok",
        (error: unknown): CheckResult => {
          const status = (error as { statusCode?: unknown } | null)?.statusCode;
          if (typeof status !== "number") return "unreachable";
          return status === 401 || status === 403 ? "unauthorized" : "ok";
        },
      ),
      timeoutMs,
    );
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
