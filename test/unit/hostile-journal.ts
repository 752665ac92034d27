// A finished run's journal whose free text is hostile markup, for tests that every report escapes it.
import { Recorder } from "../../harness/metrics/recorder.ts";
import type { Journal } from "../../harness/contracts/journal.ts";
import { buildJournal, type JournalInput } from "../../harness/run/verdict.ts";
import type { Scenario } from "../../harness/scenario/scenario.ts";
import { HTML_STRINGS } from "../fuzz/scenarios.ts";

export const T0 = 1_700_000_000_000;

/** 3 s of load (the first second failing with markup as the error), an error event, and `parts`. */
export function hostileJournal(scenario: Scenario, parts: Pick<JournalInput, "faults" | "checks" | "undoFailures" | "error">): Journal {
  const [script, , svg] = HTML_STRINGS as [string, string, string];
  const rec = new Recorder(T0, { windowMs: 1_000 });
  rec.addSource("load");
  for (let t = T0; t < T0 + 3_000; t += 10) rec.record("load", t, t < T0 + 1_000, 5, svg);
  rec.close(T0 + 3_000);
  return buildJournal({
    scenario,
    runId: "r",
    startedAt: T0 - 1_000,
    endedAt: T0 + 4_000,
    loadStartedAt: T0,
    loadEndedAt: T0 + 3_000,
    recorder: rec,
    targets: undefined,
    events: [{ at: T0, type: "error", message: script }],
    interrupted: undefined,
    ...parts,
  });
}
