// Undo when another fault changed the container in between (seen in kill tests: a restart fault started a
// container just as the stop window ended, and `start` answered 304 "container already started").
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import type { FaultContext } from "../../harness/faults/fault.ts";
import { pauseRuntime as pause } from "../../harness/faults/pause.ts";
import { stopRuntime as stop } from "../../harness/faults/stop.ts";
import type { Replica } from "../../harness/docker/replica.ts";

/** A container whose state changes under the undo, as when another fault acts at the same moment. */
function racingContainer(states: { Running: boolean; Paused: boolean }[], failing: "start" | "unpause", error: string) {
  let inspections = 0;
  const calls: string[] = [];
  const container = {
    inspect: async () => ({ State: states[Math.min(inspections++, states.length - 1)] }),
    stop: async () => void calls.push("stop"),
    pause: async () => void calls.push("pause"),
    [failing]: async () => {
      calls.push(failing);
      throw new Error(error);
    },
  };
  const victim = { containerId: "c", containerName: "ss-r-api-0" } as Replica;
  const ctx = { docker: { getContainer: () => container } as unknown as Docker, victims: [victim], signal: new AbortController().signal, log: () => undefined, willChange: () => undefined, tag: "t" } as unknown as FaultContext;
  return { ctx, calls };
}

const base = { kind: "x", target: "api", atMs: 0, durationMs: 1_000 };

describe("undo races", () => {
  it("stop: the start fails because a restart already started it: undone", async () => {
    const { ctx, calls } = racingContainer(
      [{ Running: false, Paused: false }, { Running: true, Paused: false }],
      "start",
      "(HTTP code 304) container already started",
    );
    const undo = await stop.inject(ctx, { ...base, graceMs: 1_000 });
    await expect(undo!()).resolves.toBeUndefined();
    expect(calls).toEqual(["stop", "start"]);
  });

  it("stop: the start fails and the container is still not running: the failure is reported", async () => {
    const { ctx } = racingContainer([{ Running: false, Paused: false }], "start", "(HTTP code 500) no such image");
    const undo = await stop.inject(ctx, { ...base, graceMs: 1_000 });
    await expect(undo!()).rejects.toThrow("(HTTP code 500) no such image");
  });

  it("pause: the unpause fails because something else unpaused it: undone", async () => {
    const { ctx, calls } = racingContainer(
      [{ Running: true, Paused: true }, { Running: false, Paused: false }],
      "unpause",
      "(HTTP code 409) Container c is not paused",
    );
    const undo = await pause.inject(ctx, base as never);
    await expect(undo!()).resolves.toBeUndefined();
    expect(calls).toEqual(["pause", "unpause"]);
  });

  it("pause: the unpause fails and it is still paused: the failure is reported", async () => {
    const { ctx } = racingContainer([{ Running: true, Paused: true }], "unpause", "(HTTP code 500) freezer busy");
    const undo = await pause.inject(ctx, base as never);
    await expect(undo!()).rejects.toThrow("(HTTP code 500) freezer busy");
  });
});
