import type { EventCause } from "./events/build.js";
import type { EventPublisher } from "./events/publisher.js";
import type { FaultPlan } from "./http/faults.js";
import type { IdempotencyCache } from "./http/idempotency.js";
import type { RequestCounter } from "./http/request-counter.js";
import type { AuthorizationChange } from "./state/authorization-changes.js";
import type { AccountChange } from "./state/lifecycle.js";
import type { RefreshRunner } from "./state/refresh.js";
import { renderAccount, renderAuthorization } from "./state/render-account.js";
import type { Store } from "./state/store.js";

/** Everything a route or control handler may touch; one per running sandbox. */
export interface SandboxContext {
  store: Store;
  events: EventPublisher;
  refresher: RefreshRunner;
  counter: RequestCounter;
  faults: FaultPlan;
  idempotency: IdempotencyCache;
  /** Base URL the sandbox listens on, once known (hosted session URLs point here). */
  baseUrl: string;
}

/**
 * Emits one event per account change, with the account as rendered after all changes (so every
 * event shows the final state) and the attributes it had before. Returns the event ids in order.
 */
export function publishChanges(
  context: SandboxContext,
  changes: AccountChange[],
  cause: EventCause | null,
): string[] {
  return changes.map((change) =>
    context.events.publish(
      change.type,
      renderAccount(context.store, change.account),
      change.previousAttributes,
      cause,
    ),
  );
}

/**
 * Emits one event per authorization change (see watchAuthorizations), with the authorization as
 * rendered now and its attributes before. Returns the event ids in order.
 */
export function publishAuthorizationChanges(
  context: SandboxContext,
  changes: AuthorizationChange[],
  cause: EventCause | null,
): string[] {
  return changes.map((change) =>
    context.events.publish(
      change.type,
      renderAuthorization(context.store, change.authorization),
      change.previousAttributes,
      cause,
    ),
  );
}
