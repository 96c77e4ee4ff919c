import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../support/chromium.js";
import { LogSink, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { listen, shutdown } from "../support/http-server.js";
import { waitForSubscribers } from "../support/live.js";
import {
  control,
  createCustomer,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
} from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

const available = chromiumAvailable("the cross-origin browser test");

const require = createRequire(import.meta.url);
/** A browser build (UMD) from node_modules: the page loads its client libraries from its own server. */
const browserBuild = (name: string, file: string) =>
  readFileSync(join(dirname(require.resolve(`${name}/package.json`)), "umd", file));
const SCRIPTS: Record<string, Buffer> = {
  "/graphql-sse.js": browserBuild("graphql-sse", "graphql-sse.min.js"),
  "/graphql-ws.js": browserBuild("graphql-ws", "graphql-ws.min.js"),
};
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>frontend</title>
<script src="/graphql-sse.js"></script><script src="/graphql-ws.js"></script></head>
<body>a frontend on its own origin</body></html>`;

/** A frontend's server on its own origin (another port of 127.0.0.1): the page and its scripts. */
async function frontendServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const script = SCRIPTS[request.url ?? ""];
    response.setHeader("content-type", script ? "text/javascript" : "text/html; charset=utf-8");
    response.end(script ?? PAGE);
  });
  return { server, origin: `http://127.0.0.1:${await listen(server)}` };
}

const DASHBOARD =
  "query Dashboard { accounts { nodes { id status health { state action message } authorization { id status } } } }";
const DEACTIVATED =
  "subscription Watch { accountDeactivated { eventId cause account { id status health { state action } } } }";

/** What a page's call ended with: data, or the error the browser gave the page. */
interface Outcome {
  data?: unknown;
  requestId?: string | null;
  error?: string;
}

/** Runs the dashboard query from the page with fetch and a bearer token. */
const fetchDashboard = (page: Page, url: string, token: string): Promise<Outcome> =>
  page.evaluate(
    async ({ url, token, query }) => {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ query }),
        });
        return { data: await response.json(), requestId: response.headers.get("x-request-id") };
      } catch (error) {
        return { error: String(error) };
      }
    },
    { url: `${url}/graphql`, token, query: DASHBOARD },
  );

/**
 * Starts the subscription in the page over graphql-sse or graphql-ws (their browser builds); its
 * results and its error land in `window.outcomes[key]`.
 */
const subscribeInPage = (page: Page, transport: "sse" | "ws", url: string, token: string) =>
  page.evaluate(
    ({ transport, url, token, query }) => {
      type Sink = { events: unknown[]; error?: string };
      const scope = globalThis as unknown as Record<string, unknown> & {
        outcomes?: Record<string, Sink>;
      };
      scope.outcomes ??= {};
      const sink: Sink = { events: [] };
      scope.outcomes[transport] = sink;
      // An Error (graphql-sse), or the socket's CloseEvent or error Event (graphql-ws).
      const describe = (error: unknown) => {
        if (error instanceof Error) return `${error.name}: ${error.message}`;
        const event = (error ?? {}) as { type?: string; code?: number };
        return event.code === undefined ? `${event.type} event` : `close ${event.code}`;
      };
      type Client = {
        subscribe(
          request: { query: string },
          sink: { next(value: unknown): void; error(error: unknown): void; complete(): void },
        ): () => void;
      };
      const client: Client =
        transport === "sse"
          ? (scope.graphqlSse as { createClient(options: object): Client }).createClient({
              url: `${url}/graphql/stream`,
              singleConnection: false,
              headers: { authorization: `Bearer ${token}` },
              retryAttempts: 0,
            })
          : (scope.graphqlWs as { createClient(options: object): Client }).createClient({
              url: `${url.replace("http", "ws")}/graphql`,
              connectionParams: { authorization: `Bearer ${token}` },
              retryAttempts: 0,
              lazy: true,
            });
      client.subscribe(
        { query },
        {
          next: (value) => sink.events.push(value),
          error: (error) => {
            sink.error = describe(error);
          },
          complete: () => {},
        },
      );
    },
    { transport, url, token, query: DEACTIVATED },
  );

/** What the page's subscription over `transport` received so far. */
const outcomeOf = (page: Page, transport: "sse" | "ws") =>
  page.evaluate(
    (transport) =>
      (globalThis as unknown as { outcomes: Record<string, { events: unknown[]; error?: string }> })
        .outcomes[transport] as { events: unknown[]; error?: string },
    transport,
  );

/** The sum of fc_gateway_graphql_operations_total: every operation run or refused. */
async function operationsCounted(stack: TestStack): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  return [...text.matchAll(/^fc_gateway_graphql_operations_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

describe.skipIf(!available)("a frontend on another origin, in headless Chromium", () => {
  let listedSite: { server: Server; origin: string };
  let unlistedSite: { server: Server; origin: string };
  let stack: TestStack;
  let browser: Browser;
  let customer: SandboxCustomer;
  let token: string;
  const logs = new LogSink();

  beforeAll(async () => {
    listedSite = await frontendServer();
    unlistedSite = await frontendServer();
    stack = await startStack({ env: { ALLOWED_ORIGINS: listedSite.origin }, logSink: logs });
    customer = await createCustomer(stack, 2, 2);
    token = await tokenFor(stack, customer.id);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (listedSite) await shutdown(listedSite.server);
    if (unlistedSite) await shutdown(unlistedSite.server);
  });

  /** A fresh page on `origin`, recording what Chromium says on its console. */
  async function openPage(origin: string): Promise<{ page: Page; console: string[] }> {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on("console", (message) => messages.push(message.text()));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => "graphqlSse" in globalThis && "graphqlWs" in globalThis);
    return { page, console: messages };
  }

  describe("when its origin is listed in ALLOWED_ORIGINS", () => {
    let page: Page;
    beforeAll(async () => {
      ({ page } = await openPage(listedSite.origin));
    });
    afterAll(() => page?.close());

    it("runs the dashboard query over fetch with a bearer token, and reads the exposed request id", async () => {
      const outcome = await fetchDashboard(page, stack.gateway.url, token);
      expect(outcome.error).toBeUndefined();
      const text = JSON.stringify(outcome.data);
      for (const account of customer.accounts) expect(text).toContain(account);
      expect(text).not.toContain('"errors"');
      expect(outcome.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }, 30_000);

    it.each(["sse", "ws"] as const)(
      "receives accountDeactivated over %s after a sandbox deactivation",
      async (transport) => {
        const account = customer.accounts[transport === "sse" ? 0 : 1] as string;
        const before = stack.gateway.accountEvents.fanout.subscribersOf(customer.id);
        await subscribeInPage(page, transport, stack.gateway.url, token);
        await waitForSubscribers(stack.gateway, customer.id, before + 1, { timeoutMs: 15_000 });
        await control(stack, "POST", `/_sandbox/accounts/${account}/deactivate`, {
          cause: "access_expired",
        });
        await expect
          .poll(async () => JSON.stringify((await outcomeOf(page, transport)).events), {
            timeout: 15_000,
          })
          .toContain(account);
        const outcome = await outcomeOf(page, transport);
        expect(outcome.error).toBeUndefined();
        const received = JSON.stringify(outcome.events);
        expect(received).toContain("ACCESS_EXPIRED");
        expect(received).toContain("RELINK_REQUIRED");
      },
      60_000,
    );
  });

  describe("when its origin is not listed", () => {
    let page: Page;
    let consoleText: string[];
    let operationsBefore: number;
    let logLinesBefore: number;
    beforeAll(async () => {
      ({ page, console: consoleText } = await openPage(unlistedSite.origin));
      // The listed page's subscriptions went away with it.
      await eventually(
        () => stack.gateway.accountEvents.fanout.subscribersOf(customer.id) === 0,
        15_000,
        "the listed page's subscriptions gone",
      );
      await resetRequests(stack);
      operationsBefore = await operationsCounted(stack);
      logLinesBefore = logs.lines.length;
    });
    afterAll(() => page?.close());

    it("fetch fails in the browser: the preflight is refused by CORS", async () => {
      const outcome = await fetchDashboard(page, stack.gateway.url, token);
      expect(outcome.data).toBeUndefined();
      expect(outcome.error).toBe("TypeError: Failed to fetch");
      await expect
        .poll(() => consoleText.join("\n"), { timeout: 10_000 })
        .toContain(
          `from origin '${unlistedSite.origin}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
        );
    }, 30_000);

    it("graphql-sse fails in the browser the same way", async () => {
      await subscribeInPage(page, "sse", stack.gateway.url, token);
      await expect
        .poll(async () => (await outcomeOf(page, "sse")).error, { timeout: 15_000 })
        .toMatch(/: Failed to fetch$/);
      expect((await outcomeOf(page, "sse")).events).toEqual([]);
      await expect
        .poll(() => consoleText.join("\n"), { timeout: 10_000 })
        .toContain(
          `Access to fetch at '${stack.gateway.url}/graphql/stream' from origin '${unlistedSite.origin}' has been blocked by CORS policy`,
        );
    }, 30_000);

    it("graphql-ws fails in the browser: the WebSocket handshake is refused with 403", async () => {
      await subscribeInPage(page, "ws", stack.gateway.url, token);
      await expect
        .poll(async () => (await outcomeOf(page, "ws")).error, { timeout: 15_000 })
        .toBe("error event");
      expect((await outcomeOf(page, "ws")).events).toEqual([]);
      await expect
        .poll(() => consoleText.join("\n"), { timeout: 10_000 })
        .toContain("Error during WebSocket handshake: Unexpected response code: 403");
    }, 30_000);

    it("and the gateway did no work for it beyond the preflights and the refused handshake", async () => {
      expect(await operationsCounted(stack)).toBe(operationsBefore);
      const { routes } = await requestCounts(stack);
      expect(
        Object.keys(routes).filter((route) => route.includes("/financial_connections/")),
      ).toEqual([]);
      expect(stack.gateway.accountEvents.fanout.subscribersOf(customer.id)).toBe(0);
      const lines = logs.lines
        .slice(logLinesBefore)
        .map((line) => JSON.parse(line) as { msg: string; method?: string; path?: string });
      const refusals = lines.filter((line) => line.msg.includes("origin not allowed"));
      // The browser sent only preflights: never the actual POST, to either HTTP route.
      expect(refusals.map((line) => `${line.method} ${line.path}`).sort()).toEqual([
        "OPTIONS /graphql",
        "OPTIONS /graphql/stream",
      ]);
      expect(lines.filter((line) => line.msg === "websocket origin refused")).toHaveLength(1);
    });
  });
});
