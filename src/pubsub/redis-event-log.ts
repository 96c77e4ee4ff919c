import type { Redis } from "ioredis";
import type { EventRetention } from "../config/event-retention.js";
import type { AccountLifecycleMessage, PublishedLifecycleEvent } from "./account-event.js";
import type { AccountEventLog } from "./event-log.js";
import type { StreamPosition } from "./event-position.js";

/** The Redis Stream holding one customer's retained lifecycle events. */
export const accountLogKey = (prefix: string, customerId: string) =>
  `${prefix}:account-log:${customerId}`;

/**
 * Appends the event to its customer's stream (Redis gives the position), trims the stream to
 * the count bound (MAXLEN) and the retention (MINID, on Redis's clock), lets an idle stream
 * expire after the retention, and publishes `{"position", "event"}` on the bus channel: one
 * script, so every instance sees the channel in the streams' order.
 * KEYS[1] stream; ARGV channel, max events, retention ms, event JSON. Returns the position.
 */
const PUBLISH_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'e', ARGV[4])
redis.call('XTRIM', KEYS[1], 'MINID', tostring(now - tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[1], '{"position":"' .. id .. '","event":' .. ARGV[4] .. '}')
return id
`;

/**
 * The entries after ARGV[1] in stream KEYS[1], when the entry at ARGV[1] is still there and
 * younger than ARGV[2] ms (Redis's clock); false otherwise. One script, so no trim can fall
 * between the check and the read.
 */
const REPLAY_SCRIPT = `
local at = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #at == 0 then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(string.match(ARGV[1], '^(%d+)-'))
if ms < now - tonumber(ARGV[2]) then return false end
return redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+')
`;

/** A message on the bus channel: the event and the position its customer's stream gave it. */
export function parseChannelMessage(message: string): PublishedLifecycleEvent {
  const { position, event } = JSON.parse(message) as {
    position: string;
    event: AccountLifecycleMessage;
  };
  return { ...event, position };
}

/** The shared event log: one Redis Stream per customer (see PUBLISH_SCRIPT). */
export class RedisEventLog implements AccountEventLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retention: EventRetention,
  ) {}

  /** Appends and publishes on `channel` in one step; resolves with the event's position. */
  async appendAndPublish(channel: string, event: AccountLifecycleMessage): Promise<StreamPosition> {
    return (await this.redis.eval(
      PUBLISH_SCRIPT,
      1,
      accountLogKey(this.prefix, event.customerId),
      channel,
      this.retention.maxEventsPerCustomer,
      this.retention.retentionMs,
      JSON.stringify(event),
    )) as StreamPosition;
  }

  /**
   * The customer's retained events from `start` on (an XRANGE start: a position, `<ms>-0`, or
   * `(` and a position for "after it"), in stream order; whether or not `start` is retained.
   */
  async readFrom(customerId: string, start: string): Promise<PublishedLifecycleEvent[]> {
    const entries = await this.redis.xrange(accountLogKey(this.prefix, customerId), start, "+");
    return entries.map(([id, fields]) => ({
      ...(JSON.parse(fields[1] ?? "null") as AccountLifecycleMessage),
      position: id,
    }));
  }

  async replayAfter(
    customerId: string,
    position: StreamPosition,
  ): Promise<PublishedLifecycleEvent[] | undefined> {
    const entries = (await this.redis.eval(
      REPLAY_SCRIPT,
      1,
      accountLogKey(this.prefix, customerId),
      position,
      this.retention.retentionMs,
    )) as [string, string[]][] | null;
    if (!entries) return undefined;
    return entries.map(([id, fields]) => ({
      ...(JSON.parse(fields[1] ?? "null") as AccountLifecycleMessage),
      position: id,
    }));
  }
}
