import { renderInstitution } from "../state/render-data.js";
import { expand } from "./expand.js";
import { listObject, paginate } from "./list.js";
import { findInstitution } from "./lookup.js";
import { expandPaths, type RouteHandler } from "./route.js";

const LIST_URL = "/v1/financial_connections/institutions";

/** GET /v1/financial_connections/institutions (preview). */
export const listInstitutions: RouteHandler = (request) => {
  const institutions = [...request.context.store.institutions.values()];
  const { page, hasMore } = paginate(
    institutions,
    (institution) => institution.id,
    request.params,
    "financial_connections.institution",
  );
  const list = listObject(page.map(renderInstitution), hasMore, LIST_URL);
  return expand(request.context, list, expandPaths(request.params));
};

/** GET /v1/financial_connections/institutions/{institution} (preview). */
export const retrieveInstitution: RouteHandler = (request) => {
  const institution = findInstitution(request.context, request.pathParams.institution ?? "");
  return expand(request.context, renderInstitution(institution), expandPaths(request.params));
};
