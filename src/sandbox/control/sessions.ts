import { publishAuthorizationChanges, publishChanges, type SandboxContext } from "../context.js";
import { invalidParam, resourceMissing } from "../http/errors.js";
import { watchAuthorizations } from "../state/authorization-changes.js";
import { nowSeconds } from "../state/ids.js";
import type { JsonObject } from "../state/json.js";
import { completeSession, SESSION_OUTCOMES } from "../state/relink.js";
import { renderAuthorization } from "../state/render-account.js";
import { renderSession } from "../state/render-data.js";
import { asObject, onlyFields, optionalEnum } from "./input.js";

const SESSION_UPDATED = "financial_connections.session.updated";

/**
 * POST /_sandbox/sessions/{id}/complete `{outcome}`: finishes a session as the end user would
 * (see completeSession for each outcome), then emits its events: one per changed account
 * (`reactivated`, or `created` for each new account), the relinked authorization's
 * (`expected_deactivation_date_updated` when the relink renewed expiring credentials), and
 * `financial_connections.session.updated`.
 * Answers `{session, authorizations, events}`; 404 for an
 * unknown session, 400 for a missing/unknown outcome or a session that is not pending.
 */
export function completeControlSession(
  context: SandboxContext,
  sessionId: string,
  rawBody: unknown,
): JsonObject {
  const body = asObject(rawBody);
  onlyFields(body, ["outcome"]);
  if (body.outcome === undefined)
    throw invalidParam("outcome", "Missing required param: outcome.", "parameter_missing");
  const outcome = optionalEnum(body, "outcome", SESSION_OUTCOMES, "relinked");
  const session = context.store.sessions.get(sessionId);
  if (!session) throw resourceMissing("financial_connections.session", sessionId, "session");
  const authorizationChanges = watchAuthorizations(
    context.store,
    session.relinkOptions ? [session.relinkOptions.authorization] : [],
  );
  const completion = completeSession(context.store, session, outcome, nowSeconds());
  const events = [
    ...publishChanges(context, completion.changes, null),
    ...publishAuthorizationChanges(context, authorizationChanges(), null),
  ];
  const base = `${context.baseUrl}/_sandbox/hosted`;
  const rendered = renderSession(context.store, session, { hostedBase: base });
  // Stripe: "Occurs when a Financial Connections Session `status` transitions from `pending`".
  events.push(context.events.publish(SESSION_UPDATED, rendered, { status: "pending" }, null));
  return {
    session: rendered,
    authorizations: completion.authorizationIds.flatMap((id) => {
      const authorization = context.store.authorizations.get(id);
      return authorization ? [renderAuthorization(context.store, authorization)] : [];
    }),
    events,
  };
}
