/**
 * autocannon `verifyBody` for workers mode, which takes a CommonJS file path rather than a
 * function. Returns true when a GraphQL answer has data and no errors: GraphQL reports failures
 * with HTTP 200, so the status alone would count a failing query as a success.
 */
module.exports = function graphqlOk(body) {
  try {
    const answer = JSON.parse(body);
    return answer.errors === undefined && answer.data != null;
  } catch {
    return false;
  }
};
