import type { AuthorizationStatus } from "../../generated/graphql.js";
import { deriveAuthorizationHealth } from "../../health/authorization-health.js";
import { checkedAtOfObject } from "../../read-model/checked-at.js";
import { toOpenEnum } from "../../stripe/open-enum.js";
import type { AuthorizationResolvers } from "../resolver-types.generated.js";

const STATUSES = [
  "ACTIVE",
  "INACTIVE",
  "DISCONNECTED",
] as const satisfies readonly AuthorizationStatus[];

/** Authorization fields; `accounts` reuses the operation's single listing of the viewer's accounts. */
export const Authorization: AuthorizationResolvers = {
  institutionName: (authorization) => authorization.institution_name,
  status: (authorization) => toOpenEnum(STATUSES, authorization.status),
  health: (authorization) => deriveAuthorizationHealth(authorization),
  checkedAt: (authorization) => new Date(checkedAtOfObject(authorization, Date.now())),
  accounts: async (authorization, _args, { data }) =>
    (await data.viewerAccounts()).filter((account) => account.authorization === authorization.id),
};
