/**
 * The full chaos suite (`npm run test:chaos`, in CI after `npm test`): 1,000 subscribers over 50
 * customers across two instances, a lifecycle event every 125 ms, each fault lasting 5 s.
 */
import { chaosSuite } from "./chaos-suite.js";

chaosSuite({
  subscribers: 1_000,
  customers: 50,
  accountsPerCustomer: 4,
  eventsPerSecond: 8,
  faultMs: 5_000,
});
