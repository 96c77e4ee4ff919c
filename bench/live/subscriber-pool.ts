import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { builtTarget } from "../lean/built-target.js";
import type { FromSubscribers, SubscriberProtocol, ToSubscribers } from "./subscriber-protocol.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Most subscribers one subscriber process holds (its share of the open-file limit). */
export const SUBSCRIBERS_PER_PROCESS = 2_500;
/** How long connecting may go without one more subscriber connected before the bench gives up. */
const STALL_MS = 30_000;

/** What the pool's subscribers received of one event. */
export interface Receipts {
  /** Arrival times, epoch ms (`performance.timeOrigin + performance.now()`), one per receipt. */
  times: number[];
}

/** One set of subscribers signed in the same way (one customer, or one topic of the baseline). */
export interface PoolGroup {
  /** graphql-ws `connectionParams`, or SSE request headers. */
  credentials: Record<string, string>;
  subscribers: number;
}

/** Subscribers spread over several processes of their own, one subscription each. */
export interface SubscriberPool {
  /** Subscribers connected. */
  connected: number;
  /** Subscribers of each group, in the order the groups were given. */
  groupSizes: readonly number[];
  /**
   * Resolves when every subscriber of `group` received `eventId`, or after `timeoutMs` with what
   * arrived by then. Later receipts of that event are counted as late, not recorded.
   */
  receipts(eventId: string, group: number, timeoutMs: number): Promise<Receipts>;
  /** Closes every subscriber and ends the processes; resolves with the errors results carried. */
  close(): Promise<{ errors: number; late: number; firstError: string }>;
}

/** Processes for `subscribers`: at least two, none holding more than SUBSCRIBERS_PER_PROCESS. */
export const processesFor = (subscribers: number): number =>
  Math.max(2, Math.ceil(subscribers / SUBSCRIBERS_PER_PROCESS));

/** `count` split into `parts` shares differing by at most one. */
const shares = (count: number, parts: number) =>
  Array.from(
    { length: parts },
    (_, part) => Math.floor(count / parts) + (part < count % parts ? 1 : 0),
  );

/** A subscriber process, with the messages it sent routed by kind. */
interface Member {
  child: ChildProcess;
  /** Its subscribers of each group. */
  sizes: number[];
  connected: number;
  failed: number;
  /** Told the process's `closed` report. */
  closed?: (message: Extract<FromSubscribers, { kind: "closed" }>) => void;
}

/** How long a subscriber process may take to close its subscribers before it is killed. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Asks `member` to close its subscribers and resolves with its report; kills it when it has
 * exited, does not answer within CLOSE_TIMEOUT_MS, or once it answered.
 */
async function closeMember(
  member: Member,
): Promise<{ errors: number; late: number; firstError: string }> {
  const { child } = member;
  const nothing = { errors: 0, late: 0, firstError: "" };
  if (child.exitCode !== null || child.signalCode !== null || !child.connected) return nothing;
  const outcome = await new Promise<typeof nothing>((resolve) => {
    const timer = setTimeout(
      () => resolve({ ...nothing, firstError: "a subscriber process did not close in time" }),
      CLOSE_TIMEOUT_MS,
    );
    const done = (value: typeof nothing) => {
      clearTimeout(timer);
      resolve(value);
    };
    member.closed = ({ errors, late, firstError }) => done({ errors, late, firstError });
    child.once("exit", () => done(nothing));
    child.send({ kind: "close" } satisfies ToSubscribers);
  });
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }
  return outcome;
}

/**
 * Opens `groups` of subscribers against `url` over `protocol`, each running `query`, spread over
 * processesFor(total) processes (each group split among them), and resolves once every one is
 * connected and subscribed. Calls `progress` with the count connected as it grows. Rejects (and
 * ends the processes) when any subscriber was refused, when a process exits, or when connecting
 * makes no progress for 30 s: the figures would not be of the number asked for, and nothing hangs.
 */
export async function openSubscriberPool(
  protocol: SubscriberProtocol,
  url: string,
  query: string,
  groups: PoolGroup[],
  progress: (connected: number, total: number) => void,
): Promise<SubscriberPool> {
  const entry = await builtTarget(
    ROOT,
    join(ROOT, "bench/live/subscriber-process.ts"),
    "live-subscribers",
  );
  const total = groups.reduce((sum, group) => sum + group.subscribers, 0);
  const count = processesFor(total);
  const split = groups.map((group) => shares(group.subscribers, count));
  const members: Member[] = Array.from({ length: count }, (_, index) => ({
    // Plain node: not the bench's tsx loader, which fork would otherwise pass on.
    child: fork(entry, [], {
      cwd: ROOT,
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
    sizes: split.map((parts) => parts[index] ?? 0),
    connected: 0,
    failed: 0,
  }));
  const send = (member: Member, message: ToSubscribers) => {
    if (member.child.connected) member.child.send(message);
  };
  /** Per event: the processes still to answer and the times gathered. */
  const collecting = new Map<
    string,
    { waitingFor: Set<Member>; times: number[]; done: (receipts: Receipts) => void }
  >();
  /** Receipts that came before the bench asked for them. */
  const early = new Map<string, Map<Member, number[]>>();
  let closing = false;
  let failure: ((error: Error) => void) | undefined;
  let readyCount = 0;
  let onReady: (() => void) | undefined;
  let firstFailure = "";

  for (const member of members) {
    member.child.on("message", (message: FromSubscribers) => {
      if (message.kind === "progress") {
        member.connected = message.connected;
        member.failed = message.failed;
        progress(
          members.reduce((sum, each) => sum + each.connected, 0),
          total,
        );
      } else if (message.kind === "ready") {
        member.connected = message.connected;
        member.failed = message.failed;
        if (firstFailure === "") firstFailure = message.firstFailure;
        readyCount += 1;
        if (readyCount === members.length) onReady?.();
      } else if (message.kind === "received") {
        const waiting = collecting.get(message.eventId);
        if (waiting === undefined) {
          const arrived = early.get(message.eventId) ?? new Map<Member, number[]>();
          arrived.set(member, message.times);
          early.set(message.eventId, arrived);
          return;
        }
        waiting.times.push(...message.times);
        waiting.waitingFor.delete(member);
        if (waiting.waitingFor.size === 0) {
          collecting.delete(message.eventId);
          waiting.done({ times: waiting.times });
        }
      } else {
        member.closed?.(message);
      }
    });
    member.child.once("exit", (code, signal) => {
      if (!closing) failure?.(new Error(`a subscriber process exited (${code ?? signal})`));
    });
  }

  const close = async () => {
    closing = true;
    const outcomes = await Promise.all(members.map(closeMember));
    return {
      errors: outcomes.reduce((sum, outcome) => sum + outcome.errors, 0),
      late: outcomes.reduce((sum, outcome) => sum + outcome.late, 0),
      firstError: outcomes.find((outcome) => outcome.firstError !== "")?.firstError ?? "",
    };
  };

  try {
    await new Promise<void>((resolve, reject) => {
      failure = reject;
      onReady = resolve;
      let lastConnected = -1;
      const watchdog = setInterval(() => {
        const connected = members.reduce((sum, member) => sum + member.connected, 0);
        if (connected === lastConnected) {
          clearInterval(watchdog);
          reject(
            new Error(
              `connecting stalled: ${connected} of ${total} subscribers connected, none more in ${STALL_MS / 1000} s${firstFailure ? ` (first refusal: ${firstFailure})` : ""}`,
            ),
          );
        }
        lastConnected = connected;
      }, STALL_MS);
      const stopWatchdog = () => clearInterval(watchdog);
      onReady = () => {
        stopWatchdog();
        resolve();
      };
      failure = (error) => {
        stopWatchdog();
        reject(error);
      };
      for (const member of members) {
        send(member, {
          kind: "start",
          protocol,
          url,
          query,
          groups: groups.map((group, groupIndex) => ({
            group: groupIndex,
            credentials: group.credentials,
            subscribers: member.sizes[groupIndex] ?? 0,
          })),
        });
      }
    });
  } catch (error) {
    await close();
    throw error;
  }
  failure = undefined;
  const failed = members.reduce((sum, member) => sum + member.failed, 0);
  if (failed > 0) {
    await close();
    throw new Error(`${failed} of ${total} subscribers were refused: ${firstFailure}`);
  }

  return {
    connected: members.reduce((sum, member) => sum + member.connected, 0),
    groupSizes: groups.map((group) => group.subscribers),
    receipts: (eventId, group, timeoutMs) =>
      new Promise((resolve) => {
        const holding = members.filter((member) => (member.sizes[group] ?? 0) > 0);
        const arrived = early.get(eventId);
        early.delete(eventId);
        const times: number[] = [];
        const waitingFor = new Set<Member>();
        for (const member of holding) {
          const already = arrived?.get(member);
          if (already) times.push(...already);
          else waitingFor.add(member);
        }
        if (waitingFor.size === 0) {
          resolve({ times });
          return;
        }
        const timer = setTimeout(() => {
          for (const member of waitingFor) send(member, { kind: "collect", eventId });
        }, timeoutMs);
        collecting.set(eventId, {
          waitingFor,
          times,
          done: (receipts) => {
            clearTimeout(timer);
            resolve(receipts);
          },
        });
      }),
    close,
  };
}
