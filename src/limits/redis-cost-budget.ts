import { connectRedis } from "../redis/connection.js";
import { BUDGET_WINDOW_MS, type CostBudget } from "./cost-budget.js";

/**
 * Charges the cost only if it fits, in one step, so that concurrent operations of one customer
 * on several instances can never overdraw the budget between a read and a write. The key's
 * lifetime is the customer's window: set by the first spend, the budget is full once it expires.
 * KEYS[1] = the customer's key; ARGV = cost, limit, window in ms.
 * Returns { 1 if charged else 0, points spent in the window, ms until the window closes }.
 */
const SPEND_IF_IT_FITS = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if spent + cost > tonumber(ARGV[2]) then
  return {0, spent, redis.call('PTTL', KEYS[1])}
end
spent = redis.call('INCRBY', KEYS[1], cost)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, spent, redis.call('PTTL', KEYS[1])}
`;

/**
 * A budget shared by every gateway instance on one Redis (key `<prefix>:cost:<customer>`, which
 * expires with the customer's window). While Redis is unreachable `spend` rejects.
 */
export async function redisCostBudget(
  url: string,
  prefix: string,
  limit: number,
): Promise<CostBudget> {
  // Spends reject while Redis is down (see connectRedis).
  const redis = await connectRedis(url);
  return {
    spend: async (customerId, cost) => {
      const [charged, spent, ttlMs] = (await redis.eval(
        SPEND_IF_IT_FITS,
        1,
        `${prefix}:cost:${customerId}`,
        cost,
        limit,
        BUDGET_WINDOW_MS,
      )) as [number, number, number];
      return {
        allowed: charged === 1,
        remaining: Math.max(0, limit - spent),
        resetAt: new Date(Date.now() + Math.max(0, ttlMs)),
      };
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
