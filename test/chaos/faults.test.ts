/**
 * The chaos suite at the size `npm test` affords (under a minute here): 100 subscribers over 10
 * customers. `npm run test:chaos` runs it with 1,000 (test/chaos/faults.chaos.ts).
 */
import { chaosSuite } from "./chaos-suite.js";

chaosSuite({
  subscribers: 100,
  customers: 10,
  accountsPerCustomer: 6,
  eventsPerSecond: 4,
  faultMs: 2_000,
});
