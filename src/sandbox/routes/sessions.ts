import type { SandboxContext } from "../context.js";
import { invalidParam, resourceMissing } from "../http/errors.js";
import type { Params } from "../spec/validate-params.js";
import { nowSeconds, randomId } from "../state/ids.js";
import { renderSession } from "../state/render-data.js";
import type { Permission, SessionRecord } from "../state/types.js";
import { expand } from "./expand.js";
import { findAccount, findAuthorization, findSession } from "./lookup.js";
import { expandPaths, nestedString, type RouteHandler, stringList, stringParam } from "./route.js";

const DEFAULT_ACCOUNT_LIMIT = 100;

/**
 * POST /v1/financial_connections/sessions. With `relink_options[authorization]` (and optionally
 * `[account]`) the session relinks that authorization; the account holder defaults to the
 * authorization's. Throws 400 for an unknown customer/authorization/account, an account outside
 * the authorization, a holder that is not the authorization's, or a connection that cannot be
 * relinked (disconnected, or inactive with action `none`).
 */
export const createSession: RouteHandler = (request) => {
  const { context, params } = request;
  const relinkOptions = relinkOptionsOf(context, params);
  const session: SessionRecord = {
    id: randomId("fcsess"),
    seq: context.store.nextSeq(),
    created: nowSeconds(),
    clientSecret: "",
    accountHolder: accountHolderOf(context, params, relinkOptions),
    permissions: stringList(params, "permissions") as Permission[],
    prefetch: Array.isArray(params.prefetch) ? stringList(params, "prefetch") : null,
    filters: {
      accountSubcategories: listOrNull(params, "filters", "account_subcategories"),
      countries: listOrNull(params, "filters", "countries") ?? ["US"],
      institution: nestedString(params, "filters", "institution"),
      requirePaymentMethodSupport: nestedString(
        params,
        "filters",
        "require_payment_method_support",
      ),
    },
    limitsAccounts: accountLimitOf(params),
    manualEntryMode: nestedString(params, "manual_entry", "mode") ?? null,
    hostedDeliveryMethod: nestedString(params, "hosted", "delivery_method") ?? null,
    relinkOptions,
    relinkResult: null,
    returnUrl: stringParam(params, "return_url") ?? null,
    uiMode: stringParam(params, "ui_mode") === "hosted" ? "hosted" : "modal",
    status: "pending",
    accountIds: [],
  };
  session.clientSecret = `${session.id}_secret_${randomId("x").slice(2)}`;
  context.store.addSession(session);
  return respond(context, session, params);
};

/** GET /v1/financial_connections/sessions/{session}: with `relink_result` once completed. */
export const retrieveSession: RouteHandler = (request) => {
  const session = findSession(request.context, request.pathParams.session ?? "");
  return respond(request.context, session, request.params);
};

function respond(context: SandboxContext, session: SessionRecord, params: Params) {
  const rendered = renderSession(context.store, session, {
    hostedBase: `${context.baseUrl}/_sandbox/hosted`,
  });
  return expand(context, rendered, expandPaths(params));
}

function relinkOptionsOf(context: SandboxContext, params: Params): SessionRecord["relinkOptions"] {
  const authorizationId = nestedString(params, "relink_options", "authorization");
  if (!authorizationId) return null;
  const authorization = findAuthorization(
    context,
    authorizationId,
    "relink_options[authorization]",
    400,
  );
  if (authorization.status === "disconnected" || authorization.inactiveAction === "none") {
    throw invalidParam(
      "relink_options[authorization]",
      `The authorization '${authorization.id}' cannot be relinked: it is ${authorization.status}${authorization.inactiveAction === "none" ? " and its status_details.inactive.action is none" : ""}.`,
    );
  }
  const accountId = nestedString(params, "relink_options", "account") ?? null;
  if (accountId) {
    const account = findAccount(context, accountId, "relink_options[account]", 400);
    if (account.authorizationId !== authorization.id) {
      throw invalidParam(
        "relink_options[account]",
        `The account '${accountId}' does not belong to the authorization '${authorization.id}'.`,
      );
    }
    if (account.status === "disconnected" || account.inactiveDetails?.action === "none") {
      throw invalidParam(
        "relink_options[account]",
        `The account '${accountId}' cannot be relinked.`,
      );
    }
  }
  return { authorization: authorization.id, account: accountId };
}

function accountHolderOf(
  context: SandboxContext,
  params: Params,
  relinkOptions: SessionRecord["relinkOptions"],
): SessionRecord["accountHolder"] {
  const type = nestedString(params, "account_holder", "type");
  const owner = relinkOptions
    ? context.store.authorizations.get(relinkOptions.authorization)?.customerId
    : undefined;
  if (!type) return owner ? { type: "customer", customer: owner } : null;
  if (type === "account") {
    const account = nestedString(params, "account_holder", "account");
    if (!account)
      throw invalidParam(
        "account_holder[account]",
        "Missing required param: account_holder[account].",
        "parameter_missing",
      );
    return { type: "account", account };
  }
  const customer = nestedString(params, "account_holder", "customer");
  if (!customer) {
    throw invalidParam(
      "account_holder[customer]",
      "Missing required param: account_holder[customer].",
      "parameter_missing",
    );
  }
  if (!context.store.customers.has(customer))
    throw resourceMissing("customer", customer, "account_holder[customer]", 400);
  if (owner && owner !== customer) {
    throw invalidParam(
      "account_holder[customer]",
      `The account holder must be the authorization's account holder (${owner}) when relinking.`,
    );
  }
  return { type: "customer", customer };
}

function accountLimitOf(params: Params): number {
  const limits = params.limits;
  const accounts =
    typeof limits === "object" && limits !== null
      ? (limits as Record<string, unknown>).accounts
      : undefined;
  if (typeof accounts !== "number") return DEFAULT_ACCOUNT_LIMIT;
  if (accounts < 1 || accounts > 100) {
    throw invalidParam("limits[accounts]", "Invalid limits[accounts]: must be between 1 and 100.");
  }
  return accounts;
}

function listOrNull(params: Params, parent: string, name: string): string[] | null {
  const container = params[parent];
  if (typeof container !== "object" || container === null) return null;
  const value = (container as Record<string, unknown>)[name];
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : null;
}
