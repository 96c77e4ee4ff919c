import type { ServerResponse } from "node:http";

/**
 * Writes an event stream (graphql-sse's events) to `response` as graphql-sse's node:http adapter
 * does: each event once the previous one is written out (the client's pace), the stream stopped
 * (its `return`) when the client goes away, when the answer was ended meanwhile (for a slow
 * reader) or when a write fails; `render` gives the text written for each event. Resolves once
 * the events end and the answer is ended; rejects with a failed write or the events' error. An
 * open stream waits on one pending pull, not on a suspended async function and its loop.
 */
export function writeEvents(
  response: ServerResponse,
  events: AsyncGenerator<string, void, undefined>,
  render: (event: string) => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => void events.return(undefined);
    response.once("close", stop);
    const finish = () => {
      response.off("close", stop);
      response.end();
      resolve();
    };
    const written = (error: Error | null | undefined) => {
      if (error) {
        const failed = () => reject(error);
        events.return(undefined).then(failed, failed);
      } else pull();
    };
    const pulled = (step: IteratorResult<string, void>) => {
      if (step.done) finish();
      else if (!response.writable) events.return(undefined).then(finish, reject);
      else response.write(render(step.value), written);
    };
    const pull = () => {
      events.next().then(pulled, reject);
    };
    pull();
  });
}
