/**
 * compose.yaml, checked without a container runtime: each service's environment, interpolated as
 * compose would with the secrets its header asks for, is one the gateway and the standalone
 * sandbox accept, and the services point at each other (the sandbox's webhooks go to the one
 * address in front of both replicas, which forwards to the gateway's port).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config/config.js";
import { optionsFromEnv } from "../../src/sandbox/env.js";

const REPO = new URL("../../", import.meta.url).pathname;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const compose = parse(readFileSync(join(REPO, "compose.yaml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const nginx = readFileSync(join(REPO, "deploy/nginx.conf"), "utf8");

/** What the operator exports before `docker compose up` (see compose.yaml's header). */
const OPERATOR_ENV: Record<string, string> = {
  AUTH_JWT_SECRET: "an-operator-chosen-secret-of-at-least-32-chars",
  STRIPE_WEBHOOK_SECRET: "whsec_operatorChosen01",
};

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`, against `given`. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name, operator, rest) => {
    const set = given[name];
    if (set !== undefined && set !== "") return set;
    if (operator === "?") throw new Error(`compose would refuse to start: ${name}: ${rest}`);
    return operator === "-" ? rest : "";
  });
}

const environmentOf = (service: Service | undefined, given = OPERATOR_ENV) =>
  Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([name, value]) => [
      name,
      interpolate(String(value), given),
    ]),
  );

describe("compose.yaml", () => {
  const { gateway, sandbox, proxy, redis } = compose.services;

  it("runs two gateway replicas of the image, in production, stopped within a grace longer than the drain", () => {
    expect(gateway?.build).toBeDefined();
    expect(gateway?.deploy?.replicas).toBe(2);
    expect(gateway?.command).toBeUndefined();
    expect(environmentOf(gateway).NODE_ENV).toBe("production");
    expect(gateway?.stop_grace_period).toBe("30s");
  });

  it("gives the gateway an environment it starts with, Redis shared, Stripe at the sandbox", () => {
    const env = environmentOf(gateway);
    const config = loadConfig(env);
    expect(config.production).toBe(true);
    expect(config.redisUrl).toBe("redis://redis:6379");
    expect(redis).toBeDefined();
    expect(config.stripe.rateLimit.instances).toBe(gateway?.deploy?.replicas);
    expect(config.stripe.target).toMatchObject({ kind: "stripe", apiBase: "http://sandbox:12111" });
  });

  it("serves GraphiQL, with its WebSocket origin, only when the operator asks", () => {
    expect(loadConfig(environmentOf(gateway)).graphql.landingPage).toBe(false);
    const asked = environmentOf(gateway, {
      ...OPERATOR_ENV,
      GRAPHQL_LANDING_PAGE: "true",
      ALLOWED_ORIGINS: "http://localhost:4000",
    });
    const config = loadConfig(asked);
    expect(config.graphql.landingPage).toBe(true);
    expect(config.allowedOrigins.listed).toEqual(["http://localhost:4000"]);
  });

  it("refuses to start without the secrets (no default secret in the file)", () => {
    for (const name of Object.keys(OPERATOR_ENV)) {
      expect(() => environmentOf(gateway, { ...OPERATOR_ENV, [name]: "" })).toThrow(name);
    }
  });

  it("starts the standalone sandbox from the same image, reachable, signing with the gateways' secret", () => {
    expect(sandbox?.image).toBe(gateway?.image);
    expect(sandbox?.command).toEqual(["node", "dist/sandbox/main.js"]);
    const env = environmentOf(sandbox);
    const options = optionsFromEnv(env);
    expect(options.host).toBe("0.0.0.0");
    expect(`http://sandbox:${options.port}`).toBe(environmentOf(gateway).STRIPE_API_BASE);
    expect(options.webhookSecret).toBe(loadConfig(environmentOf(gateway)).webhookSecrets[0]);
  });

  it("delivers webhooks to one address that balances over the gateway replicas on their port", () => {
    const [url, ...others] = optionsFromEnv(environmentOf(sandbox)).webhookUrls ?? [];
    expect(others).toEqual([]);
    const target = new URL(url ?? "");
    expect(target.pathname).toBe("/webhooks/stripe");
    expect(Object.keys(compose.services)).toContain(target.hostname);
    expect(target.hostname).toBe("proxy");
    expect(proxy?.depends_on?.gateway?.condition).toBe("service_healthy");
    expect(nginx).toMatch(new RegExp(`listen ${target.port};`));
    const gatewayPort = loadConfig(environmentOf(gateway)).port;
    expect(nginx).toMatch(new RegExp(`server gateway:${gatewayPort} resolve;`));
    expect(nginx).toContain("proxy_set_header Upgrade $http_upgrade;");
  });
});
