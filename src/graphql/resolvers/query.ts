import { BadUserInputError } from "../../data/errors.js";
import type { AccountFilter } from "../../generated/graphql.js";
import { deriveAccountHealth } from "../../health/account-health.js";
import { clampFirst, MAX_PAGE } from "../../stripe/paging.js";
import type { StripeAccount } from "../../stripe/wire-types.js";
import type { QueryResolvers } from "../resolver-types.generated.js";
import { accountStatus } from "./account.js";
import { pageInMemory } from "./connection.js";
import { locatedItems } from "./item-errors.js";
import { fetchNode } from "./node.js";

/** True when the account passes every criterion the filter sets. */
function matches(account: StripeAccount, filter: AccountFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.status && !filter.status.includes(accountStatus(account))) return false;
  if (filter.health || (filter.needsAttention !== null && filter.needsAttention !== undefined)) {
    const health = deriveAccountHealth(account);
    if (filter.health && !filter.health.includes(health.state)) return false;
    if (
      typeof filter.needsAttention === "boolean" &&
      health.needsAttention !== filter.needsAttention
    ) {
      return false;
    }
  }
  return true;
}

/** Root query fields: the viewer's accounts and single objects, each through the data-access tenancy check. */
export const Query: QueryResolvers = {
  node: (_root, { id }, { data }) => fetchNode(data, id),
  nodes: (_root, { ids }, { data }, info) => {
    if (ids.length > MAX_PAGE) {
      throw new BadUserInputError(`nodes accepts at most ${MAX_PAGE} ids.`);
    }
    return locatedItems(
      ids.map((id) => fetchNode(data, id)),
      info,
    );
  },
  accounts: (_root, { first, after, filter, refresh }, { data }) => {
    const page = (all: StripeAccount[]) =>
      pageInMemory(
        all.filter((account) => matches(account, filter)),
        clampFirst(first, 50),
        after,
      );
    // A warm list answers at once (see AccountReads.viewerAccountsNow).
    const now = refresh === true ? undefined : data.viewerAccountsNow();
    return now === undefined
      ? data.viewerAccounts({ refresh: refresh === true }).then(page)
      : page(now);
  },
  account: (_root, { id, refresh }, { data }) => data.account(id, { refresh: refresh === true }),
  authorization: (_root, { id }, { data }) => data.authorization(id),
  relinkSession: (_root, { id }, { data }) => data.session(id),
};
