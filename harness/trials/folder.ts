// What a run folder holds: one run (journal.json), repeated trials (trial-N/journal.json, aggregate.json),
// or an A/B run (baseline/ and canary/, each of them trials). Reports and comparisons start here.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Journal } from "../contracts/journal.ts";
import { UsageError } from "../contracts/errors.ts";
import type { Aggregate, Trial } from "./aggregate.ts";

export const trialDir = (n: number) => `trial-${n}`;

/** Trials are read back by folder name: a folder that already holds some would mix two series. */
export function assertNoTrials(dir: string): void {
  const old = existsSync(dir) ? readdirSync(dir).filter((n) => /^(trial-\d+|baseline|canary)$/.test(n)).sort() : [];
  if (old.length) throw new UsageError(`${dir} already holds ${old.join(", ")}: give another --out, or remove them`);
}

export type RunFolder =
  | { kind: "run"; dir: string; journal: Journal; file: string }
  | { kind: "trials"; dir: string; trials: Trial[]; aggregate: Aggregate | undefined }
  | { kind: "ab"; dir: string; baseline: RunFolder; canary: RunFolder };

export function readJournalFile(file: string): Journal {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (j?.tool?.name !== "steadystate" || typeof j.schemaVersion !== "number") throw new UsageError(`${file}: not a steadystate journal`);
  if (j.schemaVersion !== 1) throw new UsageError(`${file}: journal schema version ${j.schemaVersion} is not supported (this steadystate reads 1)`);
  return j;
}

export function readRunFolder(path: string): RunFolder {
  const target = resolve(path);
  if (!existsSync(target)) throw new UsageError(`${path}: no such file or folder`);
  if (statSync(target).isFile()) return { kind: "run", dir: dirname(target), file: target, journal: readJournalFile(target) };
  if (existsSync(join(target, "journal.json"))) return { kind: "run", dir: target, file: join(target, "journal.json"), journal: readJournalFile(join(target, "journal.json")) };
  if (existsSync(join(target, "baseline")) && existsSync(join(target, "canary"))) {
    return { kind: "ab", dir: target, baseline: readRunFolder(join(target, "baseline")), canary: readRunFolder(join(target, "canary")) };
  }
  const trials = readdirSync(target)
    .map((name) => ({ name, n: /^trial-(\d+)$/.exec(name)?.[1] }))
    .filter((t) => t.n !== undefined && existsSync(join(target, t.name, "journal.json")))
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map((t) => ({ dir: t.name, journal: readJournalFile(join(target, t.name, "journal.json")) }));
  if (!trials.length) throw new UsageError(`${path}: no journal.json, trial-N/journal.json or baseline/ and canary/ folders in it`);
  const aggregateFile = join(target, "aggregate.json");
  const aggregate = existsSync(aggregateFile) ? (JSON.parse(readFileSync(aggregateFile, "utf8")) as Aggregate) : undefined;
  return { kind: "trials", dir: target, trials, aggregate };
}

/** The journals of one side of a comparison, with the file each came from (for messages). */
export function folderJournals(f: RunFolder): { file: string; journal: Journal }[] {
  if (f.kind === "run") return [{ file: f.file, journal: f.journal }];
  if (f.kind === "trials") return f.trials.map((t) => ({ file: join(f.dir, t.dir, "journal.json"), journal: t.journal }));
  throw new UsageError(`${basename(f.dir)} holds an A/B run: compare its baseline/ and canary/ folders, or run \`steadystate report\` on it`);
}
