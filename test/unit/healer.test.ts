// The healer's decisions (which rule acts, when it holds back), over the real alert log and restart
// action, with Docker replaced by a recorder of the calls: what it would do to containers is all that is
// checked here; test/integration/heal.test.ts does it to real ones.
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { AlertLog } from "../../harness/detect/alert-log.ts";
import { Healer, type HealerContext } from "../../harness/heal/healer.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { join } from "node:path";
import type { RunningTargets } from "../../harness/targets/containers.ts";
import type { TargetsContext } from "../../harness/docker/context.ts";
const root = join(import.meta.dirname, "..", "..");

function setup(heal: string) {
  const s = parseScenario(
    `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080, health: { path: /healthz } }
load: { target: api, duration: 20s }
detection:
  detectors:
    - { name: memory-high, kind: threshold, signal: memory, target: api, op: ">", value: 128MiB }
    - { name: errors, kind: threshold, signal: error_rate, op: ">", value: 5% }
heal:
${heal}`,
    join(root, "scenarios", "inline.yaml"),
  );
  const restarts: { id: string; t: number }[] = [];
  const docker = {
    getContainer: (id: string) => ({
      inspect: async () => ({ State: { Running: true, Paused: false } }),
      restart: async (o: { t: number }) => void restarts.push({ id, t: o.t }),
    }),
  } as unknown as Docker;
  // Port 1 refuses at once: every replica is failing its health check.
  const replica = { target: "api", index: 0, containerId: "c0", containerName: "ss-r-api-0", port: 8080, hostPort: 1, url: "http://127.0.0.1:1" };
  const running = { replicas: { api: [replica] } } as unknown as RunningTargets;
  const events: string[] = [];
  const ctx: HealerContext = { docker, targets: {} as TargetsContext, running, specs: s.targets, added: () => undefined, event: (type, m) => events.push(`${type}: ${m}`) };
  const log = new AlertLog();
  return { healer: new Healer(s.heal, ctx, log), log, restarts, events };
}

describe("the healer", () => {
  it("holds back a rule within its cooldown after an action on its target, without spending its limit", async () => {
    const { healer, log, restarts, events } = setup(`  - { on: memory-high, action: restart, target: api, grace: 0s }
  - { on: errors, action: restart, target: api, limit: 1, cooldown: 300ms }
`);
    const fire = (name: string, state: "firing" | "resolved" = "firing") => log.report({ name, state, at: Date.now(), labels: {} });
    fire("memory-high");
    fire("errors"); // raised by the restart itself: queued behind it, then held back
    await healer.settle();
    expect(restarts).toEqual([{ id: "c0", t: 0 }]);
    expect(healer.records.map((r) => [r.on, r.action, r.replicas, r.ok, r.detail])).toEqual([["memory-high", "restart", ["ss-r-api-0"], true, "restarted ss-r-api-0"]]);
    expect(events.at(-1)).toMatch(/^heal: heal\[1\]: on errors \(cooldown 300ms\), restart api \(grace 1000ms\): not acting on errors, an action on api ended \d+ms ago \(cooldown 300ms\)$/);

    await new Promise((r) => setTimeout(r, 350));
    fire("errors", "resolved");
    fire("errors");
    await healer.settle();
    expect(healer.records.map((r) => r.on)).toEqual(["memory-high", "errors"]);
    expect(restarts).toEqual([{ id: "c0", t: 0 }, { id: "c0", t: 1 }]);
    fire("errors", "resolved");
    fire("errors");
    await healer.settle();
    expect(events.at(-1)).toBe("heal: heal[1]: on errors (cooldown 300ms), restart api (grace 1000ms): not acting on errors, the rule already acted 1 time(s) (limit)");
    expect(healer.records).toHaveLength(2);
  });
});
