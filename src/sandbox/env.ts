import {
  DEFAULT_SANDBOX_PORT,
  MAX_SANDBOX_SEED_SIZE,
  SANDBOX_DEV_WEBHOOK_SECRET,
} from "../shared/sandbox-defaults.js";
import type { SandboxOptions } from "./server.js";

/** A configuration problem; the message names the environment variable. */
export class SandboxEnvError extends Error {
  override name = "SandboxEnvError";
}

/** The interface a standalone sandbox binds unless SANDBOX_HOST says otherwise (this machine only). */
const DEFAULT_SANDBOX_HOST = "127.0.0.1";

/**
 * The standalone sandbox's options from the environment: SANDBOX_PORT, SANDBOX_HOST (the
 * interface to bind: `0.0.0.0` in a container; default 127.0.0.1), SANDBOX_WEBHOOK_URL
 * (comma-separated http(s) URLs), STRIPE_WEBHOOK_SECRET (the first of a comma-separated list;
 * default the dev secret) and SANDBOX_SEED_SIZE. Throws SandboxEnvError naming the variable for
 * any invalid value.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): SandboxOptions {
  return {
    port: integerVar(env, "SANDBOX_PORT", DEFAULT_SANDBOX_PORT, 0, 65_535),
    host: hostVar(env, "SANDBOX_HOST"),
    webhookUrls: urlsVar(env, "SANDBOX_WEBHOOK_URL"),
    webhookSecret: secretVar(env, "STRIPE_WEBHOOK_SECRET"),
    seedSize: integerVar(env, "SANDBOX_SEED_SIZE", 0, 0, MAX_SANDBOX_SEED_SIZE),
  };
}

function integerVar(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new SandboxEnvError(
      `${name} must be an integer between ${min} and ${max}, got "${text}"`,
    );
  }
  return value;
}

/** A host name, an IPv4 or an IPv6 address (what `server.listen` takes as a host), nothing more. */
function hostVar(env: NodeJS.ProcessEnv, name: string): string {
  const text = env[name]?.trim();
  if (!text) return DEFAULT_SANDBOX_HOST;
  if (!/^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(text)) {
    throw new SandboxEnvError(`${name} must be a host name or an IP address, got "${text}"`);
  }
  return text;
}

function urlsVar(env: NodeJS.ProcessEnv, name: string): string[] {
  const text = env[name]?.trim();
  if (!text) return [];
  return text.split(",").map((part) => {
    const candidate = part.trim();
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      throw new SandboxEnvError(`${name} must be comma-separated http(s) URLs, got "${candidate}"`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new SandboxEnvError(`${name} must be comma-separated http(s) URLs, got "${candidate}"`);
    }
    return candidate;
  });
}

function secretVar(env: NodeJS.ProcessEnv, name: string): string {
  const text = env[name]?.trim();
  if (!text) return SANDBOX_DEV_WEBHOOK_SECRET;
  const first = text.split(",")[0]?.trim() ?? "";
  if (!/^whsec_[A-Za-z0-9+/=_-]+$/.test(first)) {
    // The value is a secret: the message names the variable but never prints it.
    throw new SandboxEnvError(`${name} must be one or more whsec_ secrets, comma-separated`);
  }
  return first;
}
