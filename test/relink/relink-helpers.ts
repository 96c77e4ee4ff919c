import { expect } from "vitest";
import { graphql, type LogSink, type TestStack } from "../support/gateway.js";

/** The createRelinkSession mutation with everything a test looks at. */
export const CREATE = /* GraphQL */ `
  mutation Create($input: CreateRelinkSessionInput!) {
    createRelinkSession(input: $input) {
      clientSecret
      relinkSession { id status outcome permissions authorization { id } account { id } }
      userErrors { code field message }
    }
  }
`;

/** createRelinkSession's payload as JSON. */
export interface CreatePayload {
  clientSecret: string | null;
  relinkSession: {
    id: string;
    status: string;
    outcome: string;
    permissions: string[];
    authorization: { id: string } | null;
    account: { id: string } | null;
  } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

/** Every client secret a test saw, to search the logs for afterwards. */
export const seenSecrets = new Set<string>();

/** Runs createRelinkSession as `customer` and records the secret it returns. */
export async function createRelinkSession(
  stack: TestStack,
  customer: string,
  input: Record<string, unknown>,
): Promise<CreatePayload> {
  const response = await graphql<{ createRelinkSession: CreatePayload }>(
    stack,
    CREATE,
    { input },
    customer,
  );
  expect(response.errors).toBeUndefined();
  const payload = response.data?.createRelinkSession as CreatePayload;
  if (payload.clientSecret) seenSecrets.add(payload.clientSecret);
  return payload;
}

/** Asserts that the captured logs hold lines, mention relink operations, and contain no client secret. */
export function expectNoClientSecretIn(sink: LogSink): void {
  const text = sink.text();
  expect(sink.lines.length).toBeGreaterThan(0);
  expect(text).toContain('"operation":"Create"');
  expect(seenSecrets.size).toBeGreaterThan(0);
  for (const secret of seenSecrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/_secret_/);
  expect(text).not.toMatch(/client_?secret"\s*:\s*"[^"[]/i);
}
