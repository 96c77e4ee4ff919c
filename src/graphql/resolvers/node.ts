import type { DataAccess } from "../../data/data-access.js";
import { NotFoundError, withoutStack } from "../../data/errors.js";
import type { StripeAccount, StripeAuthorization, StripeSession } from "../../stripe/wire-types.js";

/** Anything `Query.node` can return. */
export type NodeObject = StripeAccount | StripeAuthorization | StripeSession;

/**
 * Fetches a node by its Stripe id, dispatching on the id's prefix (`fca_`, `fcauth_`,
 * `fcsess_`). Rejects with NOT_FOUND for unknown prefixes, missing ids and other customers' ids alike.
 */
export function fetchNode(data: DataAccess, id: string): Promise<NodeObject> {
  if (id.startsWith("fcauth_")) return data.authorization(id);
  if (id.startsWith("fcsess_")) return data.session(id);
  if (id.startsWith("fca_")) return data.account(id);
  data.viewer();
  return Promise.reject(withoutStack(() => new NotFoundError("node", id)));
}

/** The GraphQL type of a node, from Stripe's `object` field. */
export function nodeTypeName(node: NodeObject): "Account" | "Authorization" | "RelinkSession" {
  switch (node.object) {
    case "financial_connections.authorization":
      return "Authorization";
    case "financial_connections.session":
      return "RelinkSession";
    default:
      return "Account";
  }
}
