import type { SandboxContext } from "../context.js";
import { invalidParam, type StripeError } from "../http/errors.js";
import { isJsonObject, type Json, type JsonObject } from "../state/json.js";
import { renderCustomer, renderInstitution, renderOwnership } from "../state/render-data.js";

/** Stripe refuses deeper expansions. */
const MAX_DEPTH = 4;

/**
 * Applies `expand[]` paths (`institution`, `ownership`, `account_holder.customer`, and the same
 * under `data.` for lists or `accounts.data.` for sessions) to a rendered object, in place, and
 * returns it. Throws 400 (param `expand`) for a path that names no expandable field, as Stripe
 * does.
 */
export function expand(context: SandboxContext, target: JsonObject, paths: string[]): JsonObject {
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > MAX_DEPTH) {
      throw invalidParam(
        "expand",
        `You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`,
      );
    }
    walk(context, target, segments, path);
  }
  return target;
}

function notExpandable(path: string): StripeError {
  return invalidParam("expand", `This property cannot be expanded (${path}).`);
}

function walk(context: SandboxContext, value: Json, segments: string[], path: string): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(context, item, segments, path);
    return;
  }
  if (!isJsonObject(value)) throw notExpandable(path);
  const [head, ...rest] = segments;
  if (head === undefined || !(head in value)) throw notExpandable(path);
  if (rest.length > 0) {
    const child = value[head];
    if (child === null || child === undefined) return;
    walk(context, child, rest, path);
    return;
  }
  const current = value[head];
  if (current === null || isJsonObject(current)) return;
  if (typeof current !== "string") throw notExpandable(path);
  value[head] = resolve(context, value, head, current, path);
}

/** The full object behind an id, for the fields Stripe lets you expand. */
function resolve(
  context: SandboxContext,
  parent: JsonObject,
  field: string,
  id: string,
  path: string,
): Json {
  const { store } = context;
  const parentType = parent.object;
  if (
    field === "institution" &&
    (parentType === "financial_connections.account" ||
      parentType === "financial_connections.authorization")
  ) {
    const institution = store.institutions.get(id);
    return institution ? renderInstitution(institution) : id;
  }
  if (field === "ownership" && parentType === "financial_connections.account") {
    const account = store.accounts.get(String(parent.id));
    const ownership = account ? store.ownershipOf(account) : undefined;
    return ownership ? renderOwnership(ownership) : id;
  }
  // account_holder has no `object`: it is recognised by its `type`.
  if (field === "customer" && parentType === undefined && parent.type === "customer") {
    const customer = store.customers.get(id);
    return customer ? renderCustomer(customer) : { id, object: "customer" };
  }
  throw notExpandable(path);
}
