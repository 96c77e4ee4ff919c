/**
 * The warm read path (src/data/warm-reads.ts): an authorization the read model holds in memory,
 * fresh, unfenced, is answered at once (no loader batch, no Stripe call) and primed for the
 * operation's later reads; every read whose answer or effects could differ (a fence, a relink
 * session read in flight, a stale copy, a re-read in flight, another holder, a refresh, an entry
 * in the loader, a store out of process) is left to the loader's path, with its results.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataAccess, type DataAccess } from "../../src/data/data-access.js";
import { NotFoundError, UnauthenticatedError } from "../../src/data/errors.js";
import { type FenceStore, inMemoryFenceStore } from "../../src/read-model/fences.js";
import { inMemoryReadModelStore } from "../../src/read-model/memory-store.js";
import { createReadModel, type ReadModel } from "../../src/read-model/read-model.js";
import { redisReadModelStore } from "../../src/read-model/redis-store.js";
import type { ReadModelStore } from "../../src/read-model/store.js";
import type { FcApi } from "../../src/stripe/fc-api.js";
import type {
  StripeAccount,
  StripeAuthorization,
  StripeSession,
} from "../../src/stripe/wire-types.js";
import { fakeFcApi } from "../support/fake-fc-api.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

const CUSTOMER = "cus_warm";
const AUTH = "fcauth_warm";
const ACCOUNT = "fca_warm";
const MAX_AGE_MS = 60_000;
/** The read model's clock: the copies below were stored at T0, the operations run at T0 + 1 s. */
const T0 = 1_700_000_000_000;

const authorization = (status: string, customer = CUSTOMER): StripeAuthorization =>
  ({
    id: AUTH,
    object: "financial_connections.authorization",
    status,
    account_holder: { type: "customer", customer },
  }) as unknown as StripeAuthorization;

const account = (): StripeAccount =>
  ({
    id: ACCOUNT,
    object: "financial_connections.account",
    status: "active",
    created: 1,
    authorization: AUTH,
    account_holder: { type: "customer", customer: CUSTOMER },
  }) as unknown as StripeAccount;

/** A deferred promise: settles when the test says. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((ok) => {
    resolve = ok;
  });
  return { promise, resolve };
}

interface Setup {
  readModel: ReadModel;
  data: DataAccess;
  /** Loader batches dispatched, by kind. */
  batches: string[];
  /** Read-model lookups recorded, "kind outcome". */
  lookups: string[];
  /** Stripe reads of authorizations. */
  stripeReads: string[];
  /** Sets the read model's clock. */
  at(ms: number): void;
}

/**
 * A read model over `store` holding the customer's account set (one account) and its
 * authorization (stored "active" at T0, or `storedAuthorization`), and a fresh operation of the
 * customer's. Stripe says the authorization is "inactive" (what a read of Stripe answers).
 */
async function setup(
  options: {
    store?: ReadModelStore;
    fences?: FenceStore;
    storedAuthorization?: StripeAuthorization;
    fc?: Partial<FcApi>;
  } = {},
): Promise<Setup> {
  const store = options.store ?? inMemoryReadModelStore();
  let clock = T0;
  const lookups: string[] = [];
  const readModel = createReadModel({
    store,
    ...(options.fences === undefined ? {} : { fences: options.fences }),
    maxAgeMs: MAX_AGE_MS,
    now: () => clock,
    listener: { lookup: (kind, outcome) => lookups.push(`${kind} ${outcome}`) },
  });
  await store.putAccounts(CUSTOMER, [account()], T0);
  await store.put(
    "authorization",
    CUSTOMER,
    options.storedAuthorization ?? authorization("active"),
    T0,
  );
  clock = T0 + 1_000;
  const batches: string[] = [];
  const stripeReads: string[] = [];
  const data = createDataAccess({
    fc: fakeFcApi({
      retrieveAuthorization: async (id) => {
        stripeReads.push(id);
        return authorization("inactive");
      },
      retrieveAccount: async () => account(),
      ...options.fc,
    }),
    viewer: { customerId: CUSTOMER },
    maxConcurrency: 4,
    readModel,
    onLoaderBatch: (kind) => batches.push(kind),
  });
  return {
    readModel,
    data,
    batches,
    lookups,
    stripeReads,
    at: (ms) => {
      clock = ms;
    },
  };
}

/** The operation's dashboard list read: the first read-model read, which loads its fences. */
async function listed(setup: Setup): Promise<Setup> {
  await setup.data.viewerAccounts();
  setup.lookups.length = 0;
  return setup;
}

describe("the warm read path", () => {
  it("answers a warm authorization at once: the stored copy, a hit, no loader batch, no Stripe call", async () => {
    const { data, batches, lookups, stripeReads } = await listed(await setup());

    const served = data.authorizationNow(AUTH);

    expect(served).toMatchObject({ id: AUTH, status: "active" });
    expect(lookups).toEqual(["authorization hit"]);
    // Primed: the operation's later reads answer the same object, without a lookup or a batch
    // (at once too: other accounts of the authorization).
    expect(await data.authorization(AUTH)).toBe(served);
    expect(data.authorizationNow(AUTH)).toBe(served);
    expect(lookups).toEqual(["authorization hit"]);
    expect(batches).toEqual([]);
    expect(stripeReads).toEqual([]);
    expect(data.oldestStaleServed()).toBeUndefined();
  });

  it("answers what the loader's path answers for the same copy", async () => {
    const warm = await listed(await setup());
    const loaded = await listed(await setup());

    expect(warm.data.authorizationNow(AUTH)).toEqual(await loaded.data.authorization(AUTH));
    expect(loaded.lookups).toEqual(warm.lookups);
    expect(loaded.batches).toEqual(["authorization"]);
  });

  it("loads the operation's fences at once from a fence store in the process: its first read is warm too", async () => {
    const { data, batches } = await setup();

    expect(data.authorizationNow(AUTH)?.status).toBe("active");
    expect(batches).toEqual([]);
  });

  it("is not taken before the operation's fences are loaded when the fence store is out of process", async () => {
    const { peek: _inProcess, ...outOfProcess } = inMemoryFenceStore();
    const { data, batches } = await setup({ fences: outOfProcess });

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect((await data.authorization(AUTH)).status).toBe("active");
    expect(batches).toEqual(["authorization"]);
    // The loader has its entry now: later reads go through it.
    expect(data.authorizationNow(AUTH)).toBeUndefined();
  });

  it("is not taken while the customer has a fence (an open relink session): Stripe answers", async () => {
    const retrieveSession = async (id: string) =>
      ({
        id,
        object: "financial_connections.session",
        status: "pending",
        account_holder: { type: "customer", customer: CUSTOMER },
        relink_options: { authorization: AUTH },
      }) as unknown as StripeSession;
    // The account is fenced too: the list is Stripe's.
    const listAccounts = async () => ({
      object: "list" as const,
      data: [account()],
      has_more: false,
      url: "",
    });
    const { readModel, ...rest } = await setup({ fc: { retrieveSession, listAccounts } });
    await readModel.fences.open(CUSTOMER, AUTH, "fcsess_open");
    const { data, stripeReads } = await listed({ readModel, ...rest });

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect((await data.authorization(AUTH)).status).toBe("inactive");
    expect(stripeReads).toEqual([AUTH]);
  });

  it("is not taken while a relink session read of the operation is in flight: its outcome wins", async () => {
    const session = deferred<StripeSession>();
    const { data, stripeReads } = await listed(
      await setup({ fc: { retrieveSession: () => session.promise } }),
    );
    const read = data.session("fcsess_done");

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    const answer = data.authorization(AUTH);
    // The session succeeded (relinked the authorization): the stored copy is behind it.
    session.resolve({
      id: "fcsess_done",
      object: "financial_connections.session",
      status: "succeeded",
      account_holder: { type: "customer", customer: CUSTOMER },
      relink_options: { authorization: AUTH },
      relink_result: { authorization: AUTH },
      accounts: { object: "list", data: [], has_more: false, url: "" },
    } as unknown as StripeSession);
    await read;
    expect((await answer).status).toBe("inactive");
    expect(stripeReads).toEqual([AUTH]);
  });

  it("is not taken for a stale copy: served through the loader, noted stale, revalidated", async () => {
    const store = inMemoryReadModelStore();
    const setUp = await setup({ store });
    // Older than the account set, so the stale notice's time is the authorization's.
    await store.put("authorization", CUSTOMER, authorization("active"), T0 - 5_000, true);
    setUp.at(T0 + MAX_AGE_MS + 1_000);
    const { data, lookups, stripeReads, readModel } = await listed(setUp);

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect((await data.authorization(AUTH)).status).toBe("active");
    expect(lookups).toEqual(["authorization stale"]);
    expect(data.oldestStaleServed()).toBe(T0 - 5_000);
    await readModel.once(`authorization:${CUSTOMER}:${AUTH}`, async () => undefined);
    expect(stripeReads).toEqual([AUTH]);
  });

  it("is not taken while a background re-read of the authorization is in flight", async () => {
    const { data, readModel, batches } = await listed(await setup());
    const attempt = deferred<void>();
    readModel.rereads.track("authorization", AUTH, attempt.promise, attempt.promise);

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect((await data.authorization(AUTH)).status).toBe("active");
    expect(batches).toEqual(["authorization"]);
    attempt.resolve();
  });

  it("is not taken for a copy another customer holds: NOT_FOUND, as through the loader", async () => {
    const { data } = await listed(
      await setup({ storedAuthorization: authorization("active", "cus_other") }),
    );

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    await expect(data.authorization(AUTH)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("is not taken once the operation refreshes: Stripe answers", async () => {
    const { data, stripeReads } = await listed(await setup());
    await data.account(ACCOUNT, { refresh: true });

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect((await data.authorization(AUTH)).status).toBe("inactive");
    expect(stripeReads).toEqual([AUTH]);
  });

  it("is not taken when the loader has an entry: the operation's Stripe read stays its answer", async () => {
    const { data } = await listed(await setup());
    const current = await data.currentAuthorization(AUTH);

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect(await data.authorization(AUTH)).toBe(current);
  });

  it("answers a later read at once only while the loader keeps what it primed: not after a Stripe read replaced it", async () => {
    const { data, stripeReads } = await listed(await setup());
    const served = data.authorizationNow(AUTH);
    expect(served?.status).toBe("active");

    const current = await data.currentAuthorization(AUTH);
    expect(current.status).toBe("inactive");
    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect(await data.authorization(AUTH)).toBe(current);
    expect(stripeReads).toEqual([AUTH]);
  });

  it("answers a later read through the loader once a refresh cleared it: Stripe answers", async () => {
    const { data, stripeReads } = await listed(await setup());
    expect(data.authorizationNow(AUTH)?.status).toBe("active");
    await data.account(ACCOUNT, { refresh: true });

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    expect((await data.authorization(AUTH)).status).toBe("inactive");
    expect(stripeReads).toEqual([AUTH]);
  });

  it("is not taken without a viewer: UNAUTHENTICATED, as through the loader", async () => {
    const readModel = createReadModel({ store: inMemoryReadModelStore(), maxAgeMs: MAX_AGE_MS });
    const data = createDataAccess({
      fc: fakeFcApi({}),
      viewer: null,
      maxConcurrency: 1,
      readModel,
    });

    expect(data.authorizationNow(AUTH)).toBeUndefined();
    await expect(data.authorization(AUTH)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

/** Stripe's list of the customer's accounts: the account, "inactive". */
const listAccounts = async () => ({
  object: "list" as const,
  data: [{ ...account(), status: "inactive" } as StripeAccount],
  has_more: false,
  url: "",
});

describe("the warm account list", () => {
  it("answers a warm list at once: the stored accounts, a hit, primed; viewerAccounts answers the same", async () => {
    const { data, batches, lookups } = await setup({ fc: { listAccounts } });

    const listed = data.viewerAccountsNow();

    expect(listed?.map((one) => [one.id, one.status])).toEqual([[ACCOUNT, "active"]]);
    expect(lookups).toEqual(["accounts hit"]);
    expect(await data.viewerAccounts()).toEqual(listed);
    expect((await data.account(ACCOUNT)).status).toBe("active");
    // The fences it loaded serve the authorizations' warm reads.
    expect(data.authorizationNow(AUTH)?.status).toBe("active");
    expect(batches).toEqual([]);
    expect(lookups).toEqual(["accounts hit", "authorization hit"]);
    expect(data.oldestStaleServed()).toBeUndefined();
  });

  it("a read of a listed account answers the listed object; a refreshing one asks Stripe", async () => {
    const retrieveAccount = async () => ({ ...account(), status: "inactive" }) as StripeAccount;
    const first = await setup({ fc: { listAccounts, retrieveAccount } });
    const [listed] = first.data.viewerAccountsNow() ?? [];
    expect(await first.data.account(ACCOUNT)).toBe(listed);
    expect(first.batches).toEqual([]);

    const second = await setup({ fc: { listAccounts, retrieveAccount } });
    expect(second.data.viewerAccountsNow()?.[0]?.status).toBe("active");
    expect((await second.data.account(ACCOUNT, { refresh: true })).status).toBe("inactive");
  });

  it("is not taken for a stale list: served through viewerAccounts, noted stale", async () => {
    const setUp = await setup({ fc: { listAccounts } });
    setUp.at(T0 + MAX_AGE_MS + 1_000);

    expect(setUp.data.viewerAccountsNow()).toBeUndefined();
    expect((await setUp.data.viewerAccounts()).map((one) => one.status)).toEqual(["active"]);
    expect(setUp.lookups).toEqual(["accounts stale"]);
    expect(setUp.data.oldestStaleServed()).toBe(T0);
  });

  it("is not taken while the customer has a fence: Stripe's list", async () => {
    const { readModel, ...rest } = await setup({ fc: { listAccounts } });
    await readModel.fences.raise(CUSTOMER, ACCOUNT, { accountsAfter: T0 + 500 });

    expect(rest.data.viewerAccountsNow()).toBeUndefined();
    expect((await rest.data.viewerAccounts()).map((one) => one.status)).toEqual(["inactive"]);
  });

  it("is not taken without a full list stored: Stripe's list", async () => {
    const { data, readModel } = await setup({ fc: { listAccounts } });
    await readModel.store.clear();

    expect(data.viewerAccountsNow()).toBeUndefined();
    expect((await data.viewerAccounts()).map((one) => one.status)).toEqual(["inactive"]);
  });

  it("is not taken once the operation refreshes: Stripe's list", async () => {
    const { data } = await setup({ fc: { listAccounts } });
    await data.account(ACCOUNT, { refresh: true });

    expect(data.viewerAccountsNow()).toBeUndefined();
    expect((await data.viewerAccounts()).map((one) => one.status)).toEqual(["inactive"]);
  });
});

const redisUp = await redisAvailableFor("the warm read path over Redis");

describe("the warm read path over Redis", () => {
  let redisStore: ReadModelStore;
  beforeAll(async () => {
    if (redisUp) redisStore = await redisReadModelStore(REDIS_URL, `test-${randomUUID()}`);
  });
  afterAll(async () => {
    if (!redisUp) return;
    await redisStore.clear();
    await redisStore.close();
  });

  it.skipIf(!redisUp)(
    "is never taken: every read goes through the loader (and the store's own lookup)",
    async () => {
      const fresh = await setup({ store: redisStore });
      expect(fresh.data.viewerAccountsNow()).toBeUndefined();
      const { data, batches, lookups, stripeReads } = await listed(fresh);

      expect(data.authorizationNow(AUTH)).toBeUndefined();
      expect((await data.authorization(AUTH)).status).toBe("active");
      expect(batches).toEqual(["authorization"]);
      expect(lookups).toEqual(["authorization hit"]);
      expect(stripeReads).toEqual([]);
    },
  );
});
