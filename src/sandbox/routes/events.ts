import { currentEvent, deliveredEverywhere, type LoggedEvent } from "../events/log.js";
import { invalidParam, resourceMissing } from "../http/errors.js";
import type { Params } from "../spec/validate-params.js";
import { listObject, paginate, rangeFilter } from "./list.js";
import { expandPaths, type RouteHandler, stringList, stringParam } from "./route.js";

const LIST_URL = "/v1/events";
/** Stripe: "An array of up to 20 strings containing specific event names." */
const MAX_TYPES = 20;

/**
 * GET /v1/events: every event the sandbox emitted in the last 30 days, newest first, as Stripe
 * lists them: `type` (an event name, `*` matching any run of characters, e.g.
 * `financial_connections.account.*`) or `types[]` (up to 20 exact names; not both), `created`
 * (exact or gt/gte/lt/lte), `delivery_success` (true: every webhook destination acknowledged it;
 * false: some delivery is pending, failed or dropped), and `limit` / `starting_after` /
 * `ending_before`, whose cursor may be any kept event, matching the filters or not.
 */
export const listEvents: RouteHandler = (request) => {
  const { context, params } = request;
  checkExpand(params, ["data", "data.data", "data.request"]);
  const typeMatches = typeFilter(params);
  const createdMatches = rangeFilter(params.created);
  const delivery = params.delivery_success;
  const keep = (entry: LoggedEvent) =>
    typeMatches(String(entry.event.type)) &&
    createdMatches(entry.created) &&
    (typeof delivery !== "boolean" || deliveredEverywhere(entry) === delivery);
  const { page, hasMore } = paginate(
    context.events.log.retained(),
    (entry) => entry.id,
    params,
    "event",
    keep,
  );
  return listObject(page.map(currentEvent), hasMore, LIST_URL);
};

/** GET /v1/events/{id}: 404 `resource_missing` for an unknown event or one older than 30 days. */
export const retrieveEvent: RouteHandler = (request) => {
  checkExpand(request.params, ["data", "request"]);
  const id = request.pathParams.id ?? "";
  const entry = request.context.events.log.find(id);
  if (!entry) throw resourceMissing("event", id, "id");
  return currentEvent(entry);
};

/** The test of `type` or `types[]`; throws 400 when both are sent or `types` has over 20. */
function typeFilter(params: Params): (type: string) => boolean {
  const type = stringParam(params, "type");
  const sentTypes = params.types !== undefined;
  if (type !== undefined && sentTypes) {
    throw invalidParam("types", "You may pass either `type` or `types`, but not both.");
  }
  if (sentTypes) {
    const types = stringList(params, "types");
    if (types.length > MAX_TYPES) {
      throw invalidParam(
        "types",
        `Invalid types: must contain at most ${MAX_TYPES} event types, got ${types.length}.`,
      );
    }
    const names = new Set(types);
    return (candidate) => names.has(candidate);
  }
  if (type === undefined) return () => true;
  const pattern = new RegExp(`^${type.split("*").map(escapeRegExp).join(".*")}$`);
  return (candidate) => pattern.test(candidate);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Events expand nothing that is an id: `data` and `request` (and those of each listed event) are
 * always objects, so they are accepted and change nothing; any other path is refused like Stripe.
 */
function checkExpand(params: Params, allowed: string[]): void {
  for (const path of expandPaths(params)) {
    if (!allowed.includes(path)) {
      throw invalidParam("expand", `This property cannot be expanded (${path}).`);
    }
  }
}
