import { describe, expect, it } from "vitest";
import { renderSummary } from "../../harness/cli/summary.ts";
import { scheduledFault, type FaultRecord, type Journal } from "../../harness/contracts/journal.ts";
import { renderMarkdown } from "../../reports/markdown.ts";

const T0 = 1_700_000_000_000;
const s = (seconds: number) => T0 + seconds * 1_000;

function journal(): Journal {
  const fault = (i: number, kind: string, at: number, extra: Partial<FaultRecord>): FaultRecord => ({
    ...scheduledFault({ id: `faults[${i}]`, kind, target: "api", description: `${kind} api`, victims: ["ss-r-api-0"], atMs: at * 1_000, durationMs: null }),
    injectedAt: s(at),
    impactStartAt: s(at),
    recoveredAt: s(at + 4),
    impactMs: 4_000,
    mttrMs: 4_000,
    recovered: true,
    ...extra,
  });
  return {
    scenario: { name: "d", file: "d.yaml", loadDurationMs: 30_000, targets: {} },
    runId: "r",
    startedAt: T0 - 5_000,
    endedAt: s(31),
    loadStartedAt: T0,
    loadEndedAt: s(30),
    verdict: "pass",
    reasons: [],
    slo: [],
    metrics: { requests: { total: 0, ok: 0, failed: 0, failedBy: {} }, availability: { request: null, time: null }, latencyMs: {}, throughput: null, requestRate: null, probes: {} },
    hypothesis: { windowMs: 1_000, stableForMs: 2_000, conditions: [], windows: { total: 0, held: 0 }, before: null },
    faults: [
      fault(0, "stop", 10, { detectedAt: s(12.2), detectedBy: "ApiDown", actionAt: s(12.21), action: "restart", mttdMs: 2_200, mttaMs: 10, localisation: { target: "api", signal: "down", at: s(10.8), matchesInjected: true } }),
      fault(1, "crash", 20, { localisation: { target: "db", signal: "restarts", at: s(20.9), matchesInjected: false } }),
    ],
    bucketMs: 100,
    timeline: [],
    events: [
      { at: s(10.5), type: "balancer", message: "api-0 ejected by the balancer (Layer4 connection problem)" },
      { at: s(14), type: "balancer", message: "api-0 back in rotation (Layer7 check passed)" },
    ],
    targets: {},
    files: {},
    resources: { "ss-r-api-0": { target: "api", samples: [{ at: s(1), cpuPercent: 12.5, memoryBytes: 20 * 1024 ** 2, restarts: 0, rxBytes: 0, txBytes: 0 }, { at: s(2), cpuPercent: 40.25, memoryBytes: 24 * 1024 ** 2, restarts: 1, rxBytes: 0, txBytes: 0 }] } },
    alerts: [
      { name: "errors-ewma", state: "firing", at: s(11), labels: { detector: "ewma" } },
      { name: "ApiDown", state: "firing", at: s(12.2), labels: {} },
      { name: "ApiDown", state: "resolved", at: s(15), labels: {} },
      { name: "Stray", state: "firing", at: s(1), labels: {} },
    ],
    heal: [{ at: s(12.21), rule: "heal[0]: on ApiDown, restart api (grace 1000ms)", on: "ApiDown", action: "restart", target: "api", replicas: ["ss-r-api-0"], ok: true, detail: "restarted ss-r-api-0" }],
    detection: {
      sliUrl: "http://127.0.0.1:1/metrics",
      prometheusUrl: "http://127.0.0.1:2",
      alertmanagerUrl: "http://127.0.0.1:3",
      quietBefore: true,
      settleMs: 10_000,
      detectors: [{ name: "errors-ewma", description: "ewma on error_rate of load" }],
      expectations: [{ alert: "ApiDown", fault: "faults[0]", withinMs: 6_000, firedAt: s(12.2), delayMs: 2_200, met: true }],
      falseAlarms: [{ name: "Stray", state: "firing", at: s(1), labels: {} }],
    },
  } as unknown as Journal;
}

describe("detection in the reports", () => {
  it("Markdown: per fault detection, action and first anomaly; time to detect per path; expectations, false alarms, healer, balancer, containers", () => {
    const md = renderMarkdown(journal());
    const faults = md.slice(md.indexOf("## Faults"), md.indexOf("## Detection and healing"));
    expect(faults).toContain("MTTR = recovered − injected; MTTD = detected − injected; MTTA = action − detected.");
    expect(faults).toContain("| detected | MTTD | action | MTTA |");
    expect(faults).toContain("| +12.200s by ApiDown | 2.2s | restart at +12.210s | 10ms |");
    expect(faults).toContain("| never | never | — | — |");
    expect(faults).toContain("- faults[0]: first anomaly: down on api (matches the injected target api)");
    expect(faults).toContain("- faults[1]: first anomaly: restarts on db (differs from the injected target api)");
    const section = md.slice(md.indexOf("## Detection and healing"), md.indexOf("## What users saw"));
    expect(section).toBe(
      [
        "## Detection and healing",
        "",
        "Time to detect, per alert and detector (from each injection to its first firing):",
        "",
        "| alert or detector | faults[0] | faults[1] |",
        "| --- | --- | --- |",
        "| errors-ewma | 1s | — |",
        "| ApiDown | 2.2s | — |",
        "| Stray | — | — |",
        "",
        "Expected alerts:",
        "",
        "| expected alert | after | within | fired | result |",
        "| --- | --- | --- | --- | --- |",
        "| ApiDown | faults[0] | 6s | +12.200s (after 2.2s) | ✅ met |",
        "",
        "False alarms (before the first fault, or more than 10s after a recovery):",
        "",
        "- Stray at +1.000s",
        "",
        "Healer actions:",
        "",
        "| at | rule | on | result |",
        "| --- | --- | --- | --- |",
        "| +12.210s | heal[0]: on ApiDown, restart api (grace 1000ms) | ApiDown | restarted ss-r-api-0 |",
        "",
        "Load balancer:",
        "",
        "- +10.500s api-0 ejected by the balancer (Layer4 connection problem)",
        "- +14.000s api-0 back in rotation (Layer7 check passed)",
        "",
        "## Containers",
        "",
        "From Docker stats, about one sample per second.",
        "",
        "| container | target | peak CPU | peak memory | restarts |",
        "| --- | --- | --- | --- | --- |",
        "| ss-r-api-0 | api | 40.3% | 24MiB | 1 |",
        "",
        "",
      ].join("\n"),
    );
  });

  it("terminal: detection columns only when something could detect", () => {
    const j = journal();
    expect(renderSummary(j, "/tmp/r")).toContain(
      ["fault      injected  impact from  detected by  MTTD  action            recovered  MTTR", "---------  --------  -----------  -----------  ----  ----------------  ---------  ----", "stop api   +10.000s  +10.000s     ApiDown      2.2s  restart +12.210s  +14.000s   4s"].join("\n"),
    );
    const quiet = { ...j, detection: { ...j.detection!, prometheusUrl: null, alertmanagerUrl: null, detectors: [] } };
    expect(renderSummary(quiet, "/tmp/r")).toMatch(/fault\s+injected\s+impact from\s+recovered\s+MTTR/);
  });
});
