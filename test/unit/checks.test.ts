import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyReadBack, type Read, type Write } from "../../harness/checks/read-back.ts";
import type { CheckRecord, RestoreDrillRecord, Journal } from "../../harness/contracts/journal.ts";
import { ScenarioError } from "../../harness/contracts/errors.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { sloMetrics } from "../../harness/slo/metrics.ts";
import { checkTable } from "../../reports/tables.ts";

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
      'inline.yaml:7:13: checks[0].kind: unknown check kind "acked-write", did you mean `acked-writes`? (valid: acked-writes)',
      'inline.yaml:8:35: checks[1].target: unknown target "db" (valid: store)',
      "inline.yaml:8:45: checks[1].rate: must be > 0",
      'inline.yaml:8:54: checks[1].path: must start with "/"',
      'inline.yaml:8:58: checks[1].size: unknown key "size" (valid: kind, target, path, rate, timeout, drill)',
      "inline.yaml:9:5: checks[2]: a check is a mapping like { kind: acked-writes, target: store, path: /kv, rate: 50 }",
      "inline.yaml:10:5: checks[3].kind: is required (valid: acked-writes)",
    ]);
  });
});

describe("drill: backup-restore in the scenario", () => {
  const TARGETS = `version: 1
name: t
targets:
  store: { build: ../fixtures/store, port: 8080, volumes: { data: /data } }
  bare: { build: ../fixtures/store, port: 8080 }
  ext: { url: "http://127.0.0.1:9999" }
  own: { container: my-store, port: 8080 }
load: { target: store, duration: 10s }
`;
  it("reads the drill of an acked-writes check", () => {
    const s = parseScenario(TARGETS + "checks:\n  - { kind: acked-writes, target: store, drill: backup-restore }\n", file);
    expect(s.checks).toEqual([{ kind: "acked-writes", target: "store", path: "/kv", rate: 50, timeoutMs: 2_000, drill: "backup-restore", index: 0 }]);
  });

  it("refuses an unknown drill, and targets it cannot back up, destroy and restore", () => {
    expect(
      errors(
        TARGETS +
          "checks:\n" +
          "  - { kind: acked-writes, target: store, drill: backup }\n" +
          "  - { kind: acked-writes, target: bare, drill: backup-restore }\n" +
          "  - { kind: acked-writes, target: ext, drill: backup-restore }\n" +
          "  - { kind: acked-writes, target: own, drill: backup-restore }\n" +
          "  - { kind: acked-writes, target: bare }\n",
      ),
    ).toEqual([
      'inline.yaml:10:49: checks[0].drill: "backup" is not allowed (valid: backup-restore)',
      "inline.yaml:11:48: checks[1].drill: backup-restore copies the target's volumes: bare has none (add volumes: { data: /data })",
      "inline.yaml:12:47: checks[2].drill: backup-restore destroys and recreates the target's containers: ext is a url target",
      "inline.yaml:13:47: checks[3].drill: backup-restore destroys and recreates the target's containers: own names a container the run does not own (give it build or image)",
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

describe("restore_time and restore_lost_writes SLO metrics", () => {
  const drill = (d: Partial<RestoreDrillRecord>): Partial<CheckRecord> => ({ kind: "acked-writes", lost: 0, drill: { kind: "backup-restore", restoreMs: 900, lost: 0, ...d } as RestoreDrillRecord });
  const journal = (checks: Partial<CheckRecord>[]) => ({ checks }) as unknown as Journal;
  it("take the worst restore and the sum of the writes the restores lost, over the checks that drill", () => {
    const j = journal([drill({ restoreMs: 900, lost: 2 }), { kind: "acked-writes", lost: 5 }, drill({ restoreMs: 1_400, lost: 1 })]);
    expect(sloMetrics.restore_time.measure(j)).toBe(1_400);
    expect(sloMetrics.restore_lost_writes.measure(j)).toBe(3);
  });
  it("are not measurable without a drill, or when a drill did not restore or could not read every key back", () => {
    expect(sloMetrics.restore_time.measure(journal([{ kind: "acked-writes", lost: 0 }]))).toBeNull();
    expect(sloMetrics.restore_lost_writes.measure(journal([{ kind: "acked-writes", lost: 0 }]))).toBeNull();
    expect(sloMetrics.restore_time.measure(journal([drill({}), drill({ restoreMs: null, lost: null })]))).toBeNull();
    expect(sloMetrics.restore_lost_writes.measure(journal([drill({ restoreMs: 900, lost: null })]))).toBeNull();
  });
});

describe("data checks table", () => {
  const check = (over: Partial<CheckRecord>) =>
    ({ description: "acknowledged writes to store /kv (50/s)", writes: { attempted: 1_200, acked: 1_150 }, lost: 0, unackedPresent: 0, ...over }) as CheckRecord;
  it("has a backup-restore column only when a check drills one", () => {
    expect(checkTable({ checks: [check({})] } as unknown as Journal)).toEqual({
      head: ["check", "writes", "result"],
      rows: [["acknowledged writes to store /kv (50/s)", "1,200 (1,150 acknowledged)", "0 of 1,150 acknowledged writes lost"]],
    });
    const restored = { kind: "backup-restore", backupMs: 300, restoreMs: 1_250, lost: 1_150 } as RestoreDrillRecord;
    const failed = { kind: "backup-restore", backupMs: 300, restoreMs: null, lost: null, error: "interrupted before the restored target started" } as RestoreDrillRecord;
    expect(checkTable({ checks: [check({ drill: restored }), check({ drill: failed }), check({})] } as unknown as Journal).rows.map((r) => r[3])).toEqual([
      "restored in 1.25s (backup 300ms): 1,150 of 1,150 acknowledged writes lost",
      "not restored: interrupted before the restored target started",
      "—",
    ]);
  });
});
