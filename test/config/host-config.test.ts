import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { startStack, type TestStack } from "../support/gateway.js";

describe("HOST: the interface the gateway binds", () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it("defaults to all interfaces, and the gateway listens there", async () => {
    expect(loadConfig({}).host).toBe("0.0.0.0");
    stack = await startStack();
    expect((stack.gateway.httpServer.address() as AddressInfo).address).toBe("0.0.0.0");
  });

  it("HOST=127.0.0.1 binds loopback only, and the gateway answers there", async () => {
    stack = await startStack({ env: { HOST: "127.0.0.1" } });
    const address = stack.gateway.httpServer.address() as AddressInfo;
    expect(address.address).toBe("127.0.0.1");
    expect(stack.gateway.url).toBe(`http://127.0.0.1:${address.port}`);
    const response = await fetch(`${stack.gateway.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it("refuses a HOST that is not a host name or an address, naming it without the value", () => {
    let caught: unknown;
    try {
      loadConfig({ HOST: "http://evil/path" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain("HOST");
    expect((caught as Error).message).not.toContain("evil");
  });
});
