/**
 * `npm run token -- <customer id> [--ttl seconds]`: prints a bearer token for that customer,
 * signed with AUTH_JWT_SECRET when set, else the dev secret, so it matches a gateway started
 * with the same environment. Refuses where the gateway would refuse the dev secret, and a
 * `--ttl` over AUTH_MAX_TOKEN_AGE (the gateway would refuse the token).
 */
import { ConfigError, loadConfig } from "../config/config.js";
import { signToken } from "./sign-token.js";

const [customerId, flag, ttl] = process.argv.slice(2);
if (
  customerId === undefined ||
  !/^cus_[A-Za-z0-9]+$/.test(customerId) ||
  (flag !== undefined && flag !== "--ttl")
) {
  process.stderr.write("usage: npm run token -- <cus_… customer id> [--ttl seconds]\n");
  process.exit(2);
}
try {
  const { auth } = loadConfig();
  if (auth.mode !== "hs256") {
    process.stderr.write("AUTH_JWKS_URL is set: tokens come from your identity provider.\n");
    process.exit(2);
  }
  const ttlSeconds = ttl === undefined ? 3600 : Number(ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    process.stderr.write("--ttl takes a positive whole number of seconds\n");
    process.exit(2);
  }
  if (ttlSeconds > auth.maxTokenAgeSeconds) {
    process.stderr.write(
      `--ttl is over AUTH_MAX_TOKEN_AGE (${auth.maxTokenAgeSeconds} s): the gateway would refuse the token; raise AUTH_MAX_TOKEN_AGE or shorten --ttl\n`,
    );
    process.exit(2);
  }
  process.stdout.write(`${await signToken(auth, { customerId, ttlSeconds })}\n`);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
