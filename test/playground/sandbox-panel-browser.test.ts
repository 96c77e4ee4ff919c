/**
 * The sandbox panel beside GraphiQL, in headless Chromium, used only with the mouse: pick Bob,
 * run the dashboard, start `accountDeactivated`, click "deactivate" on one of Bob's accounts, see
 * the event in GraphiQL's result pane and in the panel's event log; switch to Alice and see none
 * of Bob's accounts. No console error, no page error, no Content-Security-Policy violation.
 *
 * With UPDATE_SCREENSHOT=1 it also writes docs/sandbox-panel.png (the README's picture) once the
 * deactivation shows; normal runs leave the committed picture alone.
 */
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../support/chromium.js";
import { startStack, type TestStack } from "../support/gateway.js";
import { waitForSubscribers } from "../support/live.js";

const available = chromiumAvailable("the sandbox panel browser test");
const SCREENSHOT = fileURLToPath(new URL("../../docs/sandbox-panel.png", import.meta.url));

const BOB = "cus_SandboxBob0001";
const ALICE = "cus_SandboxAlice01";
const BOB_ACCOUNTS = ["fca_BobChecking01", "fca_BobSavings01", "fca_BobRevoked01"];
const WAIT = { timeout: 20_000 };

describe.skipIf(!available)("sandbox panel beside GraphiQL, in headless Chromium", () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const offsite: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    page.on("console", (message) => {
      // Chromium reports what a Content-Security-Policy refused as a console error.
      if (message.type() === "error" || /Content Security Policy/i.test(message.text()))
        consoleErrors.push(message.text());
    });
    page.on("response", (response) => {
      if (response.status() >= 400) consoleErrors.push(`${response.status()} ${response.url()}`);
    });
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("request", (request) => {
      const host = new URL(request.url()).hostname;
      if (!["127.0.0.1", "localhost"].includes(host)) offsite.push(request.url());
    });
    // Every violation, also those Chromium does not print: the page's own event, recorded.
    await page.addInitScript({
      content: `window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", (event) =>
          window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI));`,
    });
    await page.goto(`${stack.gateway.url}/graphiql`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const customerSelect = () => page.getByLabel("Customer", { exact: true });
  // CodeMirror renders only the lines in view: read the result editor's whole value.
  const resultText = async () => (await editorValues(page, ".result-window .CodeMirror"))[0] ?? "";
  const panelAccounts = () =>
    page
      .locator("table[aria-label=Accounts] tr[data-account]")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-account")));
  const choose = async (name: string, customerId: string) => {
    await customerSelect().selectOption({ label: name });
    await page.locator(`[data-token-for="${customerId}"]`).waitFor(WAIT);
  };
  const starter = (label: string) => page.getByRole("button", { name: label, exact: true }).click();
  const execute = () => page.locator(".graphiql-execute-button").click();

  it("picks Bob: a fresh token for Bob fills GraphiQL's Authorization header", async () => {
    await expect
      .poll(() => customerSelect().locator("option").allTextContents(), WAIT)
      .toEqual(expect.arrayContaining(["Alice Example", "Bob Example", "Carol Example"]));
    await choose("Bob Example", BOB);
    // The variables and headers editors share the tool area: read both.
    const headerEditor = async () =>
      (await editorValues(page, ".graphiql-editor-tool .CodeMirror")).join("\n");
    await expect
      .poll(headerEditor, WAIT)
      .toMatch(/"Authorization": "Bearer [\w-]+\.[\w-]+\.[\w-]+"/);
    await expect.poll(panelAccounts, WAIT).toEqual(BOB_ACCOUNTS);
  }, 60_000);

  it("runs the dashboard starter as Bob", async () => {
    await starter("Dashboard");
    await execute();
    await expect.poll(resultText, WAIT).toContain("fca_BobChecking01");
    const text = await resultText();
    for (const account of BOB_ACCOUNTS) expect(text).toContain(account);
    expect(text).not.toContain("fca_Alice");
  }, 60_000);

  it("starts accountDeactivated, clicks deactivate, and sees the event in the result pane and the event log", async () => {
    await starter("accountDeactivated");
    await execute();
    await waitForSubscribers(stack.gateway, BOB, 1, { timeoutMs: 20_000 });
    const row = page.locator('tr[data-account="fca_BobChecking01"]');
    await row.getByRole("button", { name: "deactivate", exact: true }).click();

    // GraphiQL's result pane: the subscription's event, for one of Bob's accounts.
    await expect.poll(resultText, WAIT).toContain("RELINK_REQUIRED");
    const pushed = JSON.parse(await resultText()) as {
      data: { accountDeactivated: { eventId: string; cause: string; account: { id: string } } };
    };
    const event = pushed.data.accountDeactivated;
    expect(event.cause).toBe("ACCESS_EXPIRED");
    expect(BOB_ACCOUNTS).toContain(event.account.id);

    // The panel's event log: the same event, delivered to the gateway, which answered 200.
    const logged = page.locator(`ol[aria-label="Event log"] li[data-event-id="${event.eventId}"]`);
    await logged.waitFor(WAIT);
    expect(await logged.getAttribute("data-event-type")).toBe(
      "financial_connections.account.deactivated",
    );
    await expect.poll(() => logged.getAttribute("data-delivery"), WAIT).toBe("delivered");
    expect(await logged.locator(".fc-panel-delivery").textContent()).toBe("delivered 200");
    // Newest first: the event log's first entry is one of this deactivation's.
    const first = page.locator('ol[aria-label="Event log"] li').first();
    expect(await first.getAttribute("data-event-type")).toMatch(
      /deactivated|expected_deactivation/,
    );

    // Both views of the account agree: inactive in the gateway's answer and in the sandbox.
    await expect
      .poll(() => row.locator('td[data-view="gateway"]').textContent(), WAIT)
      .toContain("inactive");
    expect(await row.locator('td[data-view="sandbox"]').textContent()).toContain("inactive");
    // Every row agrees, authorizations included: the deactivation took Bob's authorization down
    // (expired credentials) and the gateway re-read it, though Stripe sends no event for it.
    await expect.poll(() => page.locator("tr.fc-panel-mismatch").count(), WAIT).toBe(0);

    if (process.env.UPDATE_SCREENSHOT === "1") {
      await page.screenshot({ path: SCREENSHOT });
    }
  }, 90_000);

  it("switches to Alice: the panel and the dashboard show none of Bob's accounts", async () => {
    await choose("Alice Example", ALICE);
    await expect.poll(panelAccounts, WAIT).toContain("fca_AliceChecking01");
    const accounts = await panelAccounts();
    for (const account of BOB_ACCOUNTS) expect(accounts).not.toContain(account);
    // The switch stopped Bob's subscription: the next operation runs as Alice.
    await waitForSubscribers(stack.gateway, BOB, 0, { timeoutMs: 20_000 });
    await starter("Dashboard");
    await execute();
    await expect.poll(resultText, WAIT).toContain("fca_AliceChecking01");
    const text = await resultText();
    for (const account of BOB_ACCOUNTS) expect(text).not.toContain(account);
  }, 60_000);

  it("shows a row in red while the two views disagree (webhooks dropped), until the sweep catches up", async () => {
    // Webhooks dropped: the sandbox changes, the gateway hears nothing until its sweep runs.
    await page.getByLabel("Drop webhooks").click();
    await page.locator("text=Webhooks are dropped").waitFor(WAIT);
    const row = page.locator('tr[data-account="fca_AliceSavings01"]');
    await row.getByRole("button", { name: "disconnect", exact: true }).click();
    await expect.poll(() => row.getAttribute("class"), WAIT).toBe("fc-panel-mismatch");
    const dropped = page.locator('ol[aria-label="Event log"] li[data-delivery="dropped"]');
    await dropped.first().waitFor(WAIT);
    // The Events API sweep catches up, and the red goes away.
    await stack.gateway.eventSweep.runOnce();
    await page.getByLabel("Drop webhooks").click();
    await page.locator("text=Webhooks are dropped").waitFor({ ...WAIT, state: "detached" });
    await page.getByRole("button", { name: "refresh", exact: true }).click();
    await expect.poll(() => row.getAttribute("class"), WAIT).toBeNull();
  }, 60_000);

  it("runs the relink mutation starter, then finishes the session with one click", async () => {
    await starter("Relink mutation");
    await execute();
    await expect.poll(resultText, WAIT).toContain("clientSecret");
    const created = JSON.parse(await resultText()) as {
      data: { createRelinkSession: { relinkSession: { id: string; status: string } } };
    };
    const session = created.data.createRelinkSession.relinkSession;
    expect(session.status).toBe("PENDING");
    // The starter's accountId was Alice's first inactive account: its session is listed.
    const row = page.locator(`li[data-session="${session.id}"]`);
    await row.getByRole("button", { name: "relinked", exact: true }).click();
    const reactivated = page.locator(
      'ol[aria-label="Event log"] li[data-event-type="financial_connections.account.reactivated"]',
    );
    await reactivated.first().waitFor(WAIT);
    await expect.poll(() => row.count(), WAIT).toBe(0);
    const relinkedAccount = await reactivated.first().locator("code").first().textContent();
    await expect
      .poll(
        () =>
          page
            .locator(`tr[data-account="${relinkedAccount}"] td[data-view="sandbox"]`)
            .textContent(),
        WAIT,
      )
      .toBe("active");
  }, 60_000);

  it("creates a new customer with 2 accounts on 1 authorization, and expires that authorization", async () => {
    await page.getByLabel("New customer's accounts").fill("2");
    await page.getByLabel("New customer's authorizations").fill("1");
    await page.getByRole("button", { name: "create", exact: true }).click();
    await expect.poll(async () => (await panelAccounts()).length, WAIT).toBe(2);
    const customerId = await customerSelect().inputValue();
    await page.locator(`[data-token-for="${customerId}"]`).waitFor(WAIT);
    const authorization = page.locator("ul[aria-label=Authorizations] li").first();
    await authorization.getByRole("button", { name: "expire", exact: true }).click();
    await expect.poll(() => authorization.textContent(), WAIT).toContain("inactive");
    const sandboxCells = page.locator('table[aria-label=Accounts] td[data-view="sandbox"]');
    await expect.poll(() => sandboxCells.allTextContents(), WAIT).toEqual(["inactive", "inactive"]);
  }, 60_000);

  it("loaded nothing from outside this machine, logged no error, and violated no CSP", async () => {
    const violations = await page.evaluate(
      () => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations,
    );
    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(offsite).toEqual([]);
  });
});

/** The whole text of each CodeMirror editor matching `selector` (CodeMirror 5 keeps it on its element). */
function editorValues(page: Page, selector: string): Promise<string[]> {
  return page
    .locator(selector)
    .evaluateAll((elements) =>
      elements.map((element) =>
        (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
      ),
    );
}
