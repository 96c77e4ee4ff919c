import type { Viewer } from "../auth/viewer.js";
import { markChecked } from "../read-model/checked-at.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { CreatedSession, CreateSessionParams, FcApi } from "../stripe/fc-api.js";
import type { StripeAuthorization, StripeSession } from "../stripe/wire-types.js";
import type { Loaders, ReadThrough } from "./create-loaders.js";
import { lookUpWithinMissBudget } from "./miss-budget.js";
import { isHeldByCustomer } from "./ownership.js";
import type { Pages } from "./pages.js";
import type { OperationFences } from "./read-your-writes.js";
import type { Tenancy } from "./tenancy.js";
import type { WriteThrough } from "./write-through.js";

/** One operation's reads and writes of relink sessions, and of what a relink changes. */
export interface RelinkReads {
  /** The session loader's store: a session's read writes through the accounts it carries. */
  sessionStore: ReadThrough<StripeSession>;
  /** One of the viewer's relink sessions (see DataAccess.session). */
  session(id: string): Promise<StripeSession>;
  /** Creates a relink session held by the viewer (see DataAccess.createSession). */
  createSession(
    params: Omit<CreateSessionParams, "customerId">,
    idempotencyKey: string,
  ): Promise<CreatedSession>;
  /** One of the viewer's authorizations as Stripe has it now (see DataAccess.currentAuthorization). */
  currentAuthorization(id: string): Promise<StripeAuthorization>;
}

/** What the relink reads of one operation work with. */
export interface RelinkReadsOptions {
  fc: FcApi;
  viewer: Viewer | null;
  readModel: ReadModel | undefined;
  tenancy: Tenancy;
  pages: Pages;
  writeThrough: WriteThrough;
  /** The operation's fences, when it has any (read-your-writes). */
  fences(): OperationFences | undefined;
  loaders(): Loaders;
}

/** The relink reads of one operation (see RelinkReads). */
export function relinkReadsOf(options: RelinkReadsOptions): RelinkReads {
  const { fc, viewer, readModel, tenancy, pages, writeThrough, fences, loaders } = options;
  const currentAuthorizations = new Map<string, Promise<StripeAuthorization>>();
  return {
    sessionStore: {
      read: async (id, fetch) => {
        const checkedAt = readModel?.now() ?? Date.now();
        // Sessions are not stored: every read is a lookup of an id unknown to the read model.
        const session =
          readModel === undefined || viewer === null
            ? await fetch()
            : await lookUpWithinMissBudget(readModel, {
                kind: "session",
                id,
                customerId: viewer.customerId,
                fetch,
              });
        if (viewer !== null && isHeldByCustomer(session, viewer.customerId)) {
          await writeThrough.takeSessionAccounts(session, checkedAt);
          await fences()?.finished(session, checkedAt);
        }
        return session;
      },
    },
    session: (id) => {
      const read = tenancy.owned("session", id, (key) => loaders().session.load(key));
      fences()?.sessionRead(read);
      return read;
    },
    createSession: async (params, idempotencyKey) => {
      const { customerId } = tenancy.viewer();
      const created = await pages.call("authorization", params.relinkAuthorization, () =>
        fc.createSession({ ...params, customerId }, idempotencyKey),
      );
      loaders().session.prime(created.session.id, created.session);
      await fences()?.opened(created.session.id, params.relinkAuthorization);
      return created;
    },
    currentAuthorization: (id) => {
      let current = currentAuthorizations.get(id);
      if (current === undefined) {
        current = tenancy
          .owned("authorization", id, async () => {
            const checkedAt = readModel?.now() ?? Date.now();
            const authorization = await pages.call("authorization", id, () =>
              fc.retrieveAuthorization(id),
            );
            const { customerId } = tenancy.viewer();
            if (readModel !== undefined && isHeldByCustomer(authorization, customerId))
              await readModel.put("authorization", customerId, authorization, checkedAt);
            return markChecked(authorization, checkedAt);
          })
          .then((authorization) => {
            loaders().authorization.clear(id).prime(id, authorization);
            return authorization;
          });
        currentAuthorizations.set(id, current);
      }
      return current;
    },
  };
}
