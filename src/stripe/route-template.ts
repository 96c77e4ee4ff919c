/** A path segment that is a Stripe object id (`acct_1Nv...`, `fcsess_...`), not a route word. */
const STRIPE_ID = /^[a-z]+_[A-Za-z0-9]+$/;

/**
 * `METHOD /path` with every Stripe id replaced by `{id}` and without the query string (a GET's
 * parameters): the route of a request sent outside any FcApi call, for its span. FcApi's calls
 * name their own route templates.
 */
export function routeTemplateOf(method: string, path: string): string {
  const [pathOnly = ""] = path.split("?", 1);
  const segments = pathOnly
    .split("/")
    .map((segment) => (STRIPE_ID.test(segment) ? "{id}" : segment));
  return `${method.toUpperCase()} ${segments.join("/")}`;
}
