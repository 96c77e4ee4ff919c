import type { EventRetention } from "../config/event-retention.js";
import type { PublishedLifecycleEvent } from "./account-event.js";
import type { AccountEventBus } from "./event-bus.js";
import { DEFAULT_EVENT_RETENTION } from "./event-log.js";
import { resumeAfter } from "./event-resume.js";
import { LocalFanout } from "./local-fanout.js";
import { MemoryEventLog } from "./memory-event-log.js";

/**
 * The default bus: events reach the subscribers of this process only (one gateway instance), and
 * are kept for resuming in this process's memory (`log`, bounded by `retention`, see
 * MemoryEventLog); each subscription may have `maxPendingEvents` waiting (LocalFanout).
 */
export function inProcessBus(
  retention: EventRetention = DEFAULT_EVENT_RETENTION,
  maxPendingEvents?: number,
): AccountEventBus & { fanout: LocalFanout<PublishedLifecycleEvent>; log: MemoryEventLog } {
  const fanout = new LocalFanout<PublishedLifecycleEvent>(maxPendingEvents);
  const log = new MemoryEventLog(retention);
  return {
    fanout,
    log,
    publish: async (event) => {
      fanout.deliver(log.append(event));
    },
    subscribe: (customerId, options) => fanout.subscribe(customerId, options),
    resume: (customerId, cursor, options) =>
      resumeAfter(customerId, cursor, () => fanout.subscribe(customerId, options), log),
    healthy: async () => true,
    close: async () => fanout.closeAll(),
  };
}
