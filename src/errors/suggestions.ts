/** graphql-js appends its suggestions at the end of a message (the same pattern Apollo strips). */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * The message without graphql-js's "Did you mean …?" suggestion, which would tell a client the
 * names of fields, types, arguments and enum values that introspection hides: in validation
 * errors and in variable coercion errors alike (`Field "statu" is not defined by type
 * "AccountFilter". Did you mean "status"?`, `Value "ACTIV" does not exist in "AccountStatus"
 * enum. Did you mean the enum value "ACTIVE"?`).
 */
export function messageWithoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, "");
}
