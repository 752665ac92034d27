// Changes inside a container's network namespace, made with the host's own iptables and tc through
// `nsenter -t PID -n` (argv only, never a shell). Each change is recorded with its exact inverse; the undo
// reverts exactly the changes that were made, newest first, each only if it is still there (a container
// that restarted or stopped took its namespace, and the change, with it).
import { execFile } from "node:child_process";
import { readlinkSync } from "node:fs";
import type Docker from "dockerode";
import { hostPid, type Replica } from "../docker/replica.ts";
import type { FaultContext, Undo } from "./fault.ts";
import type { NetnsCheck, RestoreStep } from "../contracts/restore-steps.ts";
import { CHAIN, iptablesArgv } from "./netns-argv.ts";

const COMMAND_TIMEOUT_MS = 10_000;

export interface NetnsChange {
  replica: Replica;
  /** One line for the journal's events. */
  describe: string;
  apply: string[];
  revert: string[];
  /**
   * Whether the change is still in place (checked before reverting): `argv` succeeds and, when given, its
   * output includes `includes`. Plain data, so that the undo log can replay it after a SIGKILL.
   */
  check: NetnsCheck;
  /** An apply error matching this means there is nothing left to change (e.g. an interface a partition removed): skipped. */
  goneIf?: RegExp;
}

function exec(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const why = String(stderr).trim().split("\n")[0] || error.message;
      reject(new Error(`${args.slice(args.indexOf("--") + 1).join(" ")}: ${why}`));
    });
  });
}

/** Runs argv in the replica's network namespace; resolves to its stdout. */
export async function inNetns(docker: Docker, replica: Replica, argv: string[]): Promise<string> {
  return inNetnsOfPid(await hostPid(docker, replica), argv);
}

export function inNetnsOfPid(pid: number, argv: string[]): Promise<string> {
  return exec("nsenter", ["-t", String(pid), "-n", "--", ...argv]);
}

/** Whether a change is still there, asked in the namespace through `run`. */
export async function isPresent(check: NetnsCheck, run: (argv: string[]) => Promise<string>): Promise<boolean> {
  try {
    const out = await run(check.argv);
    return check.includes === undefined || out.includes(check.includes);
  } catch {
    return false;
  }
}

/** The change's undo as a restore step, for the undo log. */
export function restoreStep(c: NetnsChange): RestoreStep {
  return { op: "netns", container: c.replica.containerId, revert: c.revert, check: c.check };
}

/**
 * Applies the changes in order, each logged in the undo log first; on a failure, reverts those made and
 * throws. Resolves to the undo.
 */
export async function applyChanges(ctx: Pick<FaultContext, "docker" | "log" | "willChange">, changes: readonly NetnsChange[]): Promise<Undo> {
  const { docker, log } = ctx;
  for (const replica of new Set(changes.map((c) => c.replica))) await refuseHostNamespace(docker, replica);
  const made: NetnsChange[] = [];
  const undo: Undo = async () => {
    const errors: string[] = [];
    for (const c of made.reverse()) {
      try {
        const running = (await docker.getContainer(c.replica.containerId).inspect()).State.Running;
        if (running && (await isPresent(c.check, (argv) => inNetns(docker, c.replica, argv)))) {
          await inNetns(docker, c.replica, c.revert);
          log(`removed from ${c.replica.containerName}: ${c.describe}`);
        } else log(`already gone from ${c.replica.containerName}: ${c.describe}`);
      } catch (e) {
        errors.push(`${c.replica.containerName}: ${(e as Error).message}`);
      }
    }
    if (errors.length) throw new Error(errors.join("; "));
  };
  for (const c of changes) {
    ctx.willChange(restoreStep(c));
    try {
      await inNetns(docker, c.replica, c.apply);
    } catch (e) {
      if (c.goneIf?.test((e as Error).message)) {
        log(`skipped on ${c.replica.containerName} (gone since listed): ${c.describe}`);
        continue;
      }
      await undo().catch(() => undefined);
      throw new Error(`${c.replica.containerName}: ${(e as Error).message}`);
    }
    made.push(c);
    log(`added to ${c.replica.containerName}: ${c.describe}`);
  }
  return undo;
}

/**
 * A container started with `--network host` (or sharing a container that was) has the host's namespace,
 * the one the harness runs in: a rule or qdisc there would change the host and every container's traffic,
 * so nothing is applied.
 */
async function refuseHostNamespace(docker: Docker, replica: Replica): Promise<void> {
  const pid = await hostPid(docker, replica);
  if (readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync("/proc/self/ns/net")) {
    throw new Error(`${replica.containerName} is in the host's network namespace (network mode host): iptables and tc there would change the host itself`);
  }
}

/** An iptables rule inserted first in the INPUT chain; deleted by the same spec (spec builders: netns-argv.ts). */
export function iptablesRule(replica: Replica, spec: string[]): NetnsChange {
  return { replica, describe: `iptables -I ${CHAIN} ${spec.join(" ")}`, ...iptablesArgv(spec) };
}

/** The replica's network interfaces: one veth per Docker network (eth0, and eth1… on further networks). */
export async function interfaces(docker: Docker, replica: Replica): Promise<string[]> {
  const out = await inNetns(docker, replica, ["ip", "-o", "link", "show"]);
  // "1385: eth0@if1386: <BROADCAST,…" → "eth0"; loopback and tunnel devices have no "@if" peer.
  return out
    .split("\n")
    .map((l) => /^\d+: ([^:@]+)@if\d+:/.exec(l)?.[1])
    .filter((name): name is string => !!name);
}
