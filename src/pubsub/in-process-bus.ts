import type { AccountEventBus } from "./event-bus.js";
import { LocalFanout } from "./local-fanout.js";

/** The default bus: events reach the subscribers of this process only (one gateway instance). */
export function inProcessBus(maxPendingEvents?: number): AccountEventBus & { fanout: LocalFanout } {
  const fanout = new LocalFanout(maxPendingEvents);
  return {
    fanout,
    publish: async (event) => {
      fanout.deliver(event);
    },
    subscribe: (customerId, options) => fanout.subscribe(customerId, options),
    healthy: async () => true,
    close: async () => fanout.closeAll(),
  };
}
