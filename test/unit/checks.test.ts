import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyReadBack, type Read, type Write } from "../../harness/checks/read-back.ts";
import type { CheckRecord } from "../../harness/checks/check.ts";
import type { Journal } from "../../harness/run/journal.ts";
import { ScenarioError } from "../../harness/scenario/errors.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { sloMetrics } from "../../harness/slo/metrics.ts";

const file = join(import.meta.dirname, "..", "..", "scenarios", "inline.yaml");
const BASE = `version: 1
name: t
targets:
  store: { build: ../fixtures/store, port: 8080, volumes: { data: /data } }
load: { target: store, duration: 10s }
`;
const errors = (yaml: string): string[] => {
  try {
    parseScenario(yaml, file, "inline.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split("\n");
    throw e;
  }
  throw new Error("expected a ScenarioError");
};

const w = (key: string, acked: boolean, value = `v-${key}`): Write => ({ key, value, replica: 0, acked });

describe("read-back classification (lost writes)", () => {
  it("an acknowledged write missing or changed is lost; an unacknowledged one present is counted apart", () => {
    const writes = [w("a", true), w("b", true), w("c", true), w("d", false), w("e", false), w("f", true)];
    const reads: Read[] = [
      { found: true, value: "v-a" },
      { found: false },
      { found: true, value: "something else" },
      { found: true, value: "v-d" },
      { found: false },
      { unreadable: "ECONNREFUSED" },
    ];
    expect(classifyReadBack(writes, reads)).toEqual({
      read: 5,
      present: 2,
      absent: 2,
      mismatched: 1,
      unreadable: 1,
      lost: 2,
      unackedPresent: 1,
      lostKeys: ["b", "c"],
    });
  });

  it("keeps the first 20 lost keys", () => {
    const writes = Array.from({ length: 30 }, (_, i) => w(`k${i}`, true));
    const r = classifyReadBack(writes, writes.map(() => ({ found: false })));
    expect(r.lost).toBe(30);
    expect(r.lostKeys).toEqual(writes.slice(0, 20).map((x) => x.key));
  });
});

describe("checks: and volumes: in the scenario", () => {
  it("reads an acked-writes check with its defaults, and the target's volumes", () => {
    const s = parseScenario(BASE + "checks:\n  - { kind: acked-writes, target: store }\n", file);
    expect(s.checks).toEqual([{ kind: "acked-writes", target: "store", path: "/kv", rate: 50, timeoutMs: 2_000, index: 0 }]);
    expect(s.targets.store!.volumes).toEqual({ data: "/data" });
  });

  it("reports every mistake in checks and volumes, located, with the valid choices", () => {
    expect(
      errors(
        BASE.replace("volumes: { data: /data }", "volumes: { Data: /data, logs: var/log }") +
          "checks:\n" +
          "  - { kind: acked-write, target: store }\n" +
          "  - { kind: acked-writes, target: db, rate: 0, path: kv, size: 1 }\n" +
          "  - acked-writes\n" +
          "  - { target: store }\n",
      ),
    ).toEqual([
      'inline.yaml:4:61: targets.store.volumes.Data: key "Data" must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)',
      "inline.yaml:4:80: targets.store.volumes.logs: must be an absolute path inside the container, such as /data",
      'inline.yaml:7:13: checks[0].kind: unknown check kind "acked-write" (valid: acked-writes)',
      'inline.yaml:8:35: checks[1].target: unknown target "db" (valid: store)',
      "inline.yaml:8:45: checks[1].rate: must be > 0",
      'inline.yaml:8:54: checks[1].path: must start with "/"',
      'inline.yaml:8:58: checks[1].size: unknown key "size" (valid: kind, target, path, rate, timeout)',
      "inline.yaml:9:5: checks[2]: a check is a mapping like { kind: acked-writes, target: store, path: /kv, rate: 50 }",
      "inline.yaml:10:5: checks[3].kind: is required (valid: acked-writes)",
    ]);
  });
});

describe("lost_writes SLO metric", () => {
  const journal = (checks: Partial<CheckRecord>[]) => ({ checks }) as unknown as Journal;
  it("sums the lost writes of every acked-writes check", () => {
    expect(sloMetrics.lost_writes.measure(journal([{ kind: "acked-writes", lost: 0 }, { kind: "acked-writes", lost: 3 }]))).toBe(3);
  });
  it("is not measurable without a check, or when a check could not read every key back", () => {
    expect(sloMetrics.lost_writes.measure(journal([]))).toBeNull();
    expect(sloMetrics.lost_writes.measure(journal([{ kind: "acked-writes", lost: 0 }, { kind: "acked-writes", lost: null }]))).toBeNull();
  });
});
