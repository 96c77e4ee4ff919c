import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../support/chromium.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { waitForSubscribers } from "../support/live.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

const available = chromiumAvailable("the GraphiQL browser test");

const HEALTH_QUERY =
  "query AccountHealth { accounts { nodes { id status health { state message } } } }";
const SUBSCRIPTION =
  "subscription Watch { accountDeactivated { eventId type cause account { id status health { state } } } }";

describe.skipIf(!available)("self-hosted GraphiQL in headless Chromium", () => {
  let stack: TestStack;
  let browser: Browser;
  let customer: SandboxCustomer;
  let page: Page;
  const offsite: string[] = [];
  const refusedByCsp: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    customer = await createCustomer(stack, 2, 2);
    browser = await launchChromium();
    page = await browser.newPage();
    // Record every request that leaves this machine: the playground must need none.
    page.on("request", (request) => {
      const host = new URL(request.url()).hostname;
      if (!["127.0.0.1", "localhost"].includes(host)) offsite.push(request.url());
    });
    // Whatever the page's Content-Security-Policy blocks, Chromium reports on the console.
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refusedByCsp.push(message.text());
    });
    const token = await tokenFor(stack, customer.id);
    // As if the developer had typed the header once: GraphiQL keeps headers in localStorage.
    await page.addInitScript({
      content: `localStorage.setItem("graphiql:headers", ${JSON.stringify(JSON.stringify({ Authorization: `Bearer ${token}` }))});`,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const run = async (query: string, transport?: "sse") => {
    const choice = transport === undefined ? "" : `&transport=${transport}`;
    await page.goto(`${stack.gateway.url}/graphiql?query=${encodeURIComponent(query)}${choice}`);
    const execute = page.locator(".graphiql-execute-button");
    await execute.waitFor({ timeout: 15_000 });
    // The docs explorer needs the schema: wait for introspection before running.
    await page.locator(".graphiql-container").waitFor({ timeout: 15_000 });
    await execute.click();
  };
  const resultText = () => page.locator(".result-window").textContent();

  it("runs the account-health query with the bearer token from the header editor", async () => {
    await run(HEALTH_QUERY);
    await expect.poll(resultText, { timeout: 15_000 }).toContain(customer.accounts[0] as string);
    const text = await resultText();
    expect(text).toContain(customer.accounts[1] as string);
    expect(text).toContain("HEALTHY");
    expect(text).not.toContain("UNAUTHENTICATED");
  }, 60_000);

  it("shows the schema in the docs explorer", async () => {
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    await expect
      .poll(() => page.locator(".graphiql-doc-explorer").textContent(), { timeout: 10_000 })
      .toContain("Query");
  }, 30_000);

  it("watches an accountDeactivated event arrive over graphql-ws after a sandbox deactivation", async () => {
    await run(SUBSCRIPTION);
    await waitForSubscribers(stack.gateway, customer.id, 1, { timeoutMs: 15_000 });
    const target = customer.accounts[0] as string;
    await control(stack, "POST", `/_sandbox/accounts/${target}/deactivate`, {
      cause: "access_expired",
    });
    await expect.poll(resultText, { timeout: 15_000 }).toContain("DEACTIVATED");
    const text = await resultText();
    expect(text).toContain(target);
    expect(text).toContain("ACCESS_EXPIRED");
    expect(text).toContain("RELINK_REQUIRED");
  }, 60_000);

  it("offers Server-Sent Events for subscriptions, and watches the event arrive over graphql-sse", async () => {
    const streams: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (new URL(request.url()).pathname === "/graphql/stream") streams.push(request.url());
    };
    page.on("request", onRequest);
    try {
      // The previous page's socket (and its subscription) goes away with the page.
      const fanout = stack.gateway.accountEvents.fanout;
      await page.goto("about:blank");
      await eventually(
        () => fanout.subscribersOf(customer.id) === 0,
        15_000,
        "the old socket gone",
      );
      await run(SUBSCRIPTION, "sse");
      const options = await page.locator("#subscription-transport option").allTextContents();
      expect(options).toEqual([
        "WebSocket (graphql-ws, /graphql)",
        "Server-Sent Events (graphql-sse, /graphql/stream)",
      ]);
      expect(await page.locator("#subscription-transport").inputValue()).toBe("sse");
      await expect.poll(() => streams.length, { timeout: 15_000 }).toBeGreaterThan(0);
      await waitForSubscribers(stack.gateway, customer.id, 1, { timeoutMs: 15_000 });
      const target = customer.accounts[1] as string;
      await control(stack, "POST", `/_sandbox/accounts/${target}/deactivate`, {
        cause: "access_expired",
      });
      await expect.poll(resultText, { timeout: 15_000 }).toContain(target);
      expect(await resultText()).toContain("DEACTIVATED");
      expect(streams.length).toBeGreaterThan(0);
    } finally {
      page.off("request", onRequest);
    }
  }, 60_000);

  it("loaded nothing from outside this machine (no CDN)", () => {
    expect(offsite).toEqual([]);
  });

  it("was served under a Content-Security-Policy that blocked nothing it needs", async () => {
    const response = await page.goto(`${stack.gateway.url}/graphiql`);
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(refusedByCsp).toEqual([]);
  });
});
