import { generateOwners, generateTransactions } from "./generate.js";
import type {
  AccountRecord,
  AuthorizationRecord,
  CustomerRecord,
  InstitutionRecord,
  OwnershipRecord,
  SessionRecord,
  TransactionRecord,
} from "./types.js";

/**
 * The sandbox's whole state, in memory. Collections keep insertion order (the `seq` of each
 * record), which is what list endpoints reverse to answer newest first, as Stripe does.
 * Lookups return `undefined` for unknown ids; the HTTP layer turns that into `resource_missing`.
 */
export class Store {
  readonly customers = new Map<string, CustomerRecord>();
  readonly institutions = new Map<string, InstitutionRecord>();
  readonly authorizations = new Map<string, AuthorizationRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  /** Every account id in creation order, for lists without a filter. */
  readonly accountOrder: string[] = [];
  private readonly transactionsById = new Map<string, TransactionRecord>();
  /** Transactions of an account, oldest first; absent until first read (lazy generation). */
  private readonly transactionsByAccount = new Map<string, TransactionRecord[]>();
  private readonly ownerships = new Map<string, OwnershipRecord>();
  /** Order of transaction refreshes, for the `transaction_refresh[after]` filter. */
  private readonly refreshOrder = new Map<string, number>();
  private sequence = 0;

  /** A number larger than every one handed out before; orders records by creation. */
  nextSeq(): number {
    this.sequence += 1;
    return this.sequence;
  }

  addCustomer(customer: CustomerRecord): void {
    this.customers.set(customer.id, customer);
  }

  addInstitution(institution: InstitutionRecord): void {
    this.institutions.set(institution.id, institution);
  }

  /** Adds an authorization and links it to its customer (which must exist). */
  addAuthorization(authorization: AuthorizationRecord): void {
    this.authorizations.set(authorization.id, authorization);
    this.customers.get(authorization.customerId)?.authorizationIds.push(authorization.id);
  }

  /** Adds an account and links it to its customer and authorization (which must exist). */
  addAccount(account: AccountRecord): void {
    this.accounts.set(account.id, account);
    this.accountOrder.push(account.id);
    this.customers.get(account.customerId)?.accountIds.push(account.id);
    this.authorizations.get(account.authorizationId)?.accountIds.push(account.id);
    if (account.transactionRefresh) this.recordRefresh(account.transactionRefresh.id);
  }

  addSession(session: SessionRecord): void {
    this.sessions.set(session.id, session);
  }

  /** Remembers when a transaction refresh happened, relative to the others. */
  recordRefresh(refreshId: string): void {
    if (!this.refreshOrder.has(refreshId)) this.refreshOrder.set(refreshId, this.nextSeq());
  }

  /** The position of a transaction refresh in time, or undefined when unknown. */
  refreshPosition(refreshId: string): number | undefined {
    return this.refreshOrder.get(refreshId);
  }

  /** The transactions of an account, oldest first (generated on first read, then kept). */
  transactionsOf(account: AccountRecord): TransactionRecord[] {
    let list = this.transactionsByAccount.get(account.id);
    if (!list) {
      list = account.transactionRefresh
        ? generateTransactions(
            account,
            account.transactionRefresh.id,
            account.initialTransactionCount,
            () => this.nextSeq(),
          )
        : [];
      this.transactionsByAccount.set(account.id, list);
      for (const transaction of list) this.transactionsById.set(transaction.id, transaction);
    }
    return list;
  }

  /** Appends transactions found by a refresh. */
  addTransactions(account: AccountRecord, transactions: TransactionRecord[]): void {
    const list = this.transactionsOf(account);
    for (const transaction of transactions) {
      list.push(transaction);
      this.transactionsById.set(transaction.id, transaction);
    }
  }

  /**
   * A transaction by id. Transactions are generated lazily per account, and an id can only be
   * learned from a list (which generates them), so an id not generated yet is unknown.
   */
  transaction(id: string): TransactionRecord | undefined {
    return this.transactionsById.get(id);
  }

  /** The ownership object of an account (owners generated on first read), if it has one. */
  ownershipOf(account: AccountRecord): OwnershipRecord | undefined {
    if (!account.ownershipId) return undefined;
    let ownership = this.ownerships.get(account.ownershipId);
    if (!ownership) {
      const customer = this.customers.get(account.customerId);
      ownership = {
        id: account.ownershipId,
        accountId: account.id,
        created: account.ownershipRefresh?.lastAttemptedAt ?? account.created,
        owners: generateOwners(account, customer),
      };
      this.ownerships.set(ownership.id, ownership);
    }
    return ownership;
  }

  /** Replaces the ownership object of an account (after an ownership refresh). */
  replaceOwnership(account: AccountRecord, ownership: OwnershipRecord): void {
    account.ownershipId = ownership.id;
    this.ownerships.set(ownership.id, ownership);
  }
}
