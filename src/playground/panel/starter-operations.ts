import { readFileSync } from "node:fs";
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
} from "graphql";

/** The type-checked documents of `examples/` (graphql-codegen's persisted documents manifest). */
const EXAMPLES_MANIFEST = new URL(
  "../../../examples/gql/persisted-documents.json",
  import.meta.url,
);

/** One operation the panel inserts into GraphiQL's editor with a click. */
export interface StarterOperation {
  /** The operation's name, e.g. "AccountHealth". */
  name: string;
  /** What the panel's button says. */
  label: string;
  kind: "query" | "mutation" | "subscription";
  /** The document, printed. */
  document: string;
  /** Its variables' names, which the panel fills from the chosen customer's accounts. */
  variables: string[];
}

/** The examples' operations the panel offers, in the order it shows them, with their labels. */
const FROM_EXAMPLES: ReadonlyArray<{ name: string; label: string }> = [
  { name: "AccountHealth", label: "Dashboard" },
  { name: "CreateRelinkSession", label: "Relink mutation" },
  { name: "RelinkOutcome", label: "Relink outcome" },
];

/** The example subscription every subscription field's starter is made from. */
const SUBSCRIPTION_EXAMPLE = "AccountDeactivated";

const operationOf = (document: DocumentNode): OperationDefinitionNode => {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operation === undefined) throw new Error("An example without an operation.");
  return operation;
};

const starterOf = (document: DocumentNode, label: string): StarterOperation => {
  const operation = operationOf(document);
  return {
    name: operation.name?.value ?? label,
    label,
    kind: operation.operation,
    document: print(document),
    variables: (operation.variableDefinitions ?? []).map(
      (variable) => variable.variable.name.value,
    ),
  };
};

/** The example subscription's selection under another root field (they share one event type). */
function subscriptionFor(example: DocumentNode, field: string): DocumentNode {
  const operation = operationOf(example);
  const root = operation.selectionSet.selections[0] as FieldNode;
  const name = field.charAt(0).toUpperCase() + field.slice(1);
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...operation,
        name: { kind: Kind.NAME, value: name },
        selectionSet: {
          ...operation.selectionSet,
          selections: [{ ...root, name: { kind: Kind.NAME, value: field } }],
        },
      },
    ],
  };
}

/**
 * The panel's starter operations, read from `examples/` (so what the panel inserts is what
 * `npm run typecheck` checks): the dashboard query, the relink mutation and its outcome query, and
 * for each field of the schema's Subscription type, the `AccountDeactivated` example's selection
 * under that field (every one of them returns the same lifecycle event type). Throws when the
 * manifest is missing or lacks an example (a development checkout always has it).
 */
export function starterOperations(schema: GraphQLSchema): StarterOperation[] {
  const manifest = JSON.parse(readFileSync(EXAMPLES_MANIFEST, "utf8")) as Record<string, string>;
  const byName = new Map<string, DocumentNode>();
  for (const text of Object.values(manifest)) {
    const document = parse(text);
    const name = operationOf(document).name?.value;
    if (name !== undefined) byName.set(name, document);
  }
  const example = (name: string) => {
    const document = byName.get(name);
    if (document === undefined) throw new Error(`examples/ has no operation ${name}.`);
    return document;
  };
  const subscriptionExample = example(SUBSCRIPTION_EXAMPLE);
  const subscriptionFields = Object.keys(schema.getSubscriptionType()?.getFields() ?? {});
  return [
    ...FROM_EXAMPLES.map(({ name, label }) => starterOf(example(name), label)),
    ...subscriptionFields.map((field) =>
      starterOf(subscriptionFor(subscriptionExample, field), field),
    ),
  ];
}
