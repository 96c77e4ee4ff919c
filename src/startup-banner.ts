/** Where things are, for the developer who just ran `npm start`. */
export interface BannerInput {
  gatewayUrl: string;
  sandboxUrl: string | undefined;
}

/** Prints the URLs of the gateway and, in embedded mode, of the sandbox and its control API. */
export function printStartupBanner({ gatewayUrl, sandboxUrl }: BannerInput): void {
  const lines = [
    "",
    `  GraphQL         ${gatewayUrl}/graphql`,
    `  Stripe webhooks ${gatewayUrl}/webhooks/stripe`,
  ];
  if (sandboxUrl !== undefined) {
    lines.push(
      `  Stripe sandbox  ${sandboxUrl}/v1/financial_connections/...`,
      `  Seeded data     curl ${sandboxUrl}/_sandbox/customers`,
      "  Try it          curl -H 'x-dev-customer: <customer id>' -H 'content-type: application/json' \\",
      `                    -d '{"query":"{ accounts { nodes { id displayName health { state message } } } }"}' ${gatewayUrl}/graphql`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
}
