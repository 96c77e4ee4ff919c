import { SECONDS_PER_DAY } from "./ids.js";
import { hashString, SeededRandom } from "./rng.js";
import type { AccountRecord, CustomerRecord, OwnerRecord, TransactionRecord } from "./types.js";

const MERCHANTS = [
  "Rocket Rides",
  "Corner Coffee",
  "City Grocery",
  "Payroll Deposit",
  "Electric Utility",
  "Online Books",
  "Transit Pass",
  "Pharmacy",
  "Hardware Store",
  "Streaming Service",
] as const;

/**
 * Deterministic transactions of an account for one refresh: the same account id and refresh id
 * always give the same ids, amounts and dates. Oldest first. `nextSeq` orders them in the store.
 */
export function generateTransactions(
  account: AccountRecord,
  refreshId: string,
  count: number,
  nextSeq: () => number,
  newestAt = account.transactionRefresh?.lastAttemptedAt ?? account.created,
): TransactionRecord[] {
  const random = new SeededRandom(hashString(`${account.id}/${refreshId}`));
  const stem = idStem(account.id, refreshId);
  const transactions: TransactionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const transactedAt = newestAt - (count - i) * SECONDS_PER_DAY + random.int(0, 3_600);
    const isPending = i === count - 1 && count > 2;
    const merchant = random.pick(MERCHANTS);
    const magnitude = random.int(150, 25_000);
    const amount = merchant === "Payroll Deposit" ? magnitude * 10 : -magnitude;
    transactions.push({
      id: `fctxn_${stem}${String(i + 1).padStart(4, "0")}`,
      seq: nextSeq(),
      accountId: account.id,
      amount,
      currency: "usd",
      description: merchant,
      status: isPending ? "pending" : "posted",
      postedAt: isPending ? null : transactedAt + 3_600,
      voidAt: null,
      transactedAt,
      refreshId,
      updated: isPending ? transactedAt : transactedAt + 3_600,
    });
  }
  return transactions;
}

/** The owners of an account: its customer as primary holder, plus a joint holder on some. */
export function generateOwners(
  account: AccountRecord,
  customer: CustomerRecord | undefined,
): OwnerRecord[] {
  const name = customer?.name ?? "Jenny Rosen";
  const stem = idStem(account.id, "owner");
  const refreshedAt = account.ownershipRefresh?.lastAttemptedAt ?? account.created;
  const owners: OwnerRecord[] = [
    {
      id: `fcaown_${stem}01`,
      name,
      email: customer?.email ?? null,
      phone: "+1 555-555-0100",
      rawAddress: "354 Oyster Point Blvd, South San Francisco, CA 94080",
      refreshedAt,
    },
  ];
  if (hashString(account.id) % 3 === 0) {
    owners.push({
      id: `fcaown_${stem}02`,
      name: "Jordan Example",
      email: null,
      phone: null,
      rawAddress: null,
      refreshedAt,
    });
  }
  return owners;
}

/** One inferred daily balance of an account, as the inferred_balances list reports it. */
export interface InferredBalance {
  id: string;
  asOf: number;
  current: number;
}

/** The last 30 days of inferred balances of an account, newest first; deterministic. */
export function generateInferredBalances(account: AccountRecord, today: number): InferredBalance[] {
  const random = new SeededRandom(hashString(`${account.id}/inferred`));
  const stem = idStem(account.id, "inferred");
  const startOfDay = today - (today % SECONDS_PER_DAY);
  let current = account.balance?.current ?? 100_000;
  const balances: InferredBalance[] = [];
  for (let day = 0; day < 30; day++) {
    balances.push({
      id: `fcinfbal_${stem}${String(day + 1).padStart(2, "0")}`,
      asOf: startOfDay - day * SECONDS_PER_DAY,
      current,
    });
    current -= random.int(-5_000, 5_000);
  }
  return balances;
}

/** A short alphanumeric stem derived from an id and a salt, to build child ids from. */
function idStem(id: string, salt: string): string {
  return (
    hashString(`${id}#${salt}`).toString(36).padStart(7, "0") +
    hashString(salt + id)
      .toString(36)
      .slice(0, 5)
  );
}
