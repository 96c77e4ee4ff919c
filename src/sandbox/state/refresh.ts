import { ACCOUNT_EVENT_TYPES } from "../../stripe/event-types.js";
import { TransitionError } from "./errors.js";
import { generateOwners, generateTransactions } from "./generate.js";
import { nowSeconds, randomId } from "./ids.js";
import type { Store } from "./store.js";
import type { AccountRecord, Permission, RefreshFeature, RefreshState } from "./types.js";

/** The permission each refreshable feature needs. */
const PERMISSION_FOR: Record<RefreshFeature, Permission> = {
  balance: "balances",
  inferred_balances: "balances",
  ownership: "ownership",
  transactions: "transactions",
};

/** The event Stripe sends when a refresh of the feature finishes. */
const EVENT_FOR: Record<RefreshFeature, string> = {
  balance: ACCOUNT_EVENT_TYPES.refreshedBalance,
  inferred_balances: "financial_connections.account.refreshed_inferred_balances",
  ownership: ACCOUNT_EVENT_TYPES.refreshedOwnership,
  transactions: ACCOUNT_EVENT_TYPES.refreshedTransactions,
};

/** Called when a refresh finished, with the event type to emit for it. */
export type RefreshListener = (account: AccountRecord, eventType: string) => void;

/**
 * Runs data refreshes like Stripe: the API call marks the feature `pending` and returns; shortly
 * after, the refresh succeeds, new data appears and a `refreshed_*` event is emitted through the
 * listener. `close()` cancels refreshes still running.
 */
export class RefreshRunner {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly onFinished: RefreshListener,
    private readonly delayMs = 100,
  ) {}

  /**
   * Starts refreshing `features` of an account (already-pending features are left running).
   * Throws TransitionError, starting nothing, when the account is not active (Stripe cannot
   * reach data of inactive or disconnected accounts) or lacks the permission of a feature.
   */
  start(account: AccountRecord, features: RefreshFeature[]): void {
    if (account.status !== "active") {
      throw new TransitionError(
        `You cannot refresh data of an ${account.status} account: ${account.id}. The account must be active; an inactive account needs to be relinked first.`,
        "account",
      );
    }
    for (const feature of features) {
      const permission = PERMISSION_FOR[feature];
      if (!account.permissions.includes(permission)) {
        throw new TransitionError(
          `You cannot refresh ${feature} for account ${account.id}: it was not linked with the \`${permission}\` permission.`,
          "features",
        );
      }
    }
    const now = nowSeconds();
    for (const feature of new Set(features)) {
      const state = this.refreshState(account, feature, now);
      if (state.status === "pending") continue;
      state.status = "pending";
      state.lastAttemptedAt = now;
      state.nextRefreshAvailableAt = null;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.finish(account, feature);
      }, this.delayMs);
      this.timers.add(timer);
    }
  }

  /** Cancels every refresh still pending (they stay `pending`). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private refreshState(account: AccountRecord, feature: RefreshFeature, now: number): RefreshState {
    const fresh = (): RefreshState => ({
      status: "succeeded",
      lastAttemptedAt: now,
      nextRefreshAvailableAt: null,
    });
    switch (feature) {
      case "balance":
        account.balanceRefresh ??= fresh();
        return account.balanceRefresh;
      case "ownership":
        account.ownershipRefresh ??= fresh();
        return account.ownershipRefresh;
      case "inferred_balances":
        account.inferredBalancesRefresh ??= fresh();
        return account.inferredBalancesRefresh;
      case "transactions":
        account.transactionRefresh ??= { ...fresh(), id: randomId("fctxnref") };
        return account.transactionRefresh;
    }
  }

  private finish(account: AccountRecord, feature: RefreshFeature): void {
    const now = nowSeconds();
    const state = this.refreshState(account, feature, now);
    if (account.status !== "active") {
      state.status = "failed";
      return;
    }
    if (feature === "balance") this.refreshBalance(account, now);
    if (feature === "ownership") this.refreshOwnership(account, now);
    if (feature === "transactions") this.refreshTransactions(account, now);
    state.status = "succeeded";
    state.lastAttemptedAt = now;
    this.onFinished(account, EVENT_FOR[feature]);
  }

  private refreshBalance(account: AccountRecord, now: number): void {
    if (!account.balance) {
      account.balance = {
        type: account.category === "credit" ? "credit" : "cash",
        asOf: now,
        current: 0,
        secondary: 0,
      };
    }
    account.balance.asOf = now;
  }

  private refreshOwnership(account: AccountRecord, now: number): void {
    const previous =
      this.store.ownershipOf(account)?.owners ??
      generateOwners(account, this.store.customers.get(account.customerId));
    this.store.replaceOwnership(account, {
      id: randomId("fcaowns"),
      accountId: account.id,
      created: now,
      owners: previous.map((owner) => ({ ...owner, id: randomId("fcaown"), refreshedAt: now })),
    });
  }

  private refreshTransactions(account: AccountRecord, now: number): void {
    // Read the existing ones first: generation is lazy and must keep the old refresh's data.
    this.store.transactionsOf(account);
    const refreshId = randomId("fctxnref");
    if (account.transactionRefresh) account.transactionRefresh.id = refreshId;
    this.store.recordRefresh(refreshId);
    const found = generateTransactions(account, refreshId, 2, () => this.store.nextSeq(), now);
    this.store.addTransactions(account, found);
  }
}
