import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/server.js";

interface Overview {
  id: string;
  name: string;
  accounts: { id: string; status: string; authorization: string; status_details: object }[];
  authorizations: { id: string; status: string; accounts: string[] }[];
  relink_sessions: { id: string; status: string; authorization: string }[];
}

describe("GET /_sandbox/customers/{id}/overview", () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, host: "127.0.0.1", webhookUrls: [] });
  });
  afterAll(() => sandbox?.close());

  const overview = async (id: string) => {
    const response = await fetch(`${sandbox.url}/_sandbox/customers/${id}/overview`);
    return { status: response.status, body: (await response.json()) as Overview };
  };

  it("shows a customer's accounts and authorizations with their status, as the sandbox holds them", async () => {
    const { status, body } = await overview("cus_SandboxBob0001");
    expect(status).toBe(200);
    expect(body.name).toBe("Bob Example");
    expect(body.accounts.map((account) => [account.id, account.status])).toEqual([
      ["fca_BobChecking01", "active"],
      ["fca_BobSavings01", "active"],
      ["fca_BobRevoked01", "inactive"],
    ]);
    expect(body.accounts[2]?.status_details).toEqual({
      inactive: { action: "relink_required", cause: "access_denied" },
    });
    expect(body.authorizations.map((authorization) => authorization.status)).toEqual([
      "active",
      "inactive",
    ]);
    expect(body.relink_sessions).toEqual([]);
  });

  it("follows a lifecycle change: an expired authorization takes its accounts down", async () => {
    await fetch(`${sandbox.url}/_sandbox/accounts/fca_BobChecking01/deactivate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cause: "access_expired" }),
    });
    const { body } = await overview("cus_SandboxBob0001");
    expect(body.accounts.map((account) => account.status)).toEqual([
      "inactive",
      "inactive",
      "inactive",
    ]);
    expect(body.authorizations[0]?.status).toBe("inactive");
  });

  it("answers 404 for an unknown customer", async () => {
    const { status, body } = await overview("cus_NoSuchCustomer");
    expect(status).toBe(404);
    expect(JSON.stringify(body)).toContain("cus_NoSuchCustomer");
  });
});
