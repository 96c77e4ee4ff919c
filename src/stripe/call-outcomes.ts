/** What Stripe's answers say of Stripe's state: reachable with our key, refusing it, or silent. */
export type StripeState = "ok" | "unreachable" | "unauthorized";

/** What Stripe's answer (a status label from fc-api's onOutcome) says of Stripe's state. */
export function stateOfStatus(status: string): StripeState {
  if (status === "network") return "unreachable";
  return status === "401" || status === "403" ? "unauthorized" : "ok";
}

/** The outcome of the last Stripe request that went out, whoever sent it. */
export interface StripeCallOutcomes {
  /** Records one attempt's status label ("200", "404", "network", ...), now. */
  record(status: string): void;
  /** Stripe's state as the last outcome within `withinMs` shows it; undefined when none. */
  recent(withinMs: number): StripeState | undefined;
}

/** An outcome record in memory; `now` in ms (tests may pass a fake clock). */
export function stripeCallOutcomes(
  now: () => number = () => performance.now(),
): StripeCallOutcomes {
  let last: { state: StripeState; at: number } | undefined;
  return {
    record: (status) => {
      last = { state: stateOfStatus(status), at: now() };
    },
    recent: (withinMs) =>
      last !== undefined && now() - last.at <= withinMs ? last.state : undefined,
  };
}
