// The command line: run (once, repeated, A/B), report, compare, validate, cleanup, doctor. Exit codes: 0 pass,
// 1 SLO missed, 2 invalid scenario or usage, 3 harness or infrastructure error, 130 interrupted. No stack
// traces for known failures.
import { existsSync, mkdirSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { join, resolve } from "node:path";
import { reporters, trialsReporters } from "../../reports/registry.ts";
import { rerender } from "../../reports/rerender.ts";
import { appendStepSummary, chosenFormats } from "../../reports/write.ts";
import { requireJudgeSources, requireVariants, runAb } from "../run/ab.ts";
import { renderAbPlan } from "./ab-plan.ts";
import { compareFolders, comparisonExitCode, writeComparison } from "../../reports/comparison.ts";
import { loadJudgeConfig, type JudgeConfig } from "../canary/config.ts";
import { comparisonMarkdown, comparisonText } from "../../reports/canary.ts";
import { firstBoundedPair, pairLine, SEQUENTIAL_ALPHA, SEQUENTIAL_EXIT_CODES, sequentialText } from "../canary/sequential.ts";
import { newRunId, runScenario } from "../run/orchestrator.ts";
import { readRunFolder } from "../trials/folder.ts";
import { runTrials, type TrialsOptions } from "../run/repeat.ts";
import { EXIT_CODES, VERSION } from "../run/verdict.ts";
import { promtool } from "../detect/promtool.ts";
import { detectCapabilities } from "../faults/capabilities.ts";
import { CapabilityError, InfraError, ScenarioError, UsageError } from "../contracts/errors.ts";
import { loadScenario } from "../scenario/parse.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { cleanupRun, defaultRunDir } from "../run/cleanup-run.ts";
import { cleanup } from "../targets/cleanup.ts";
import { connectDocker } from "../docker/docker.ts";
import { doctorChecks, renderDoctor } from "./doctor.ts";
import { renderDryRun } from "./dry-run.ts";
import { terminalProgress } from "./progress.ts";
import { familyNames, renderKinds } from "./kinds.ts";
import { renderSummary, renderTrialsSummary } from "./summary.ts";
import { FORMAT_NAMES, resolveFormat } from "../specs/report-formats.ts";

const print = (text: string) => process.stdout.write(text);
const printErr = (text: string) => process.stderr.write(text);

const parseFormats = (option: string) => (value: string): string[] => {
  const formats = value.split(",").map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !resolveFormat(f));
  if (unknown.length) throw new UsageError(`${option}: unknown format ${unknown.join(", ")} (valid: ${FORMAT_NAMES.join(", ")})`);
  return formats;
};

const parseCount = (option: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000) throw new UsageError(`${option}: "${value}" is not a whole number from 1 to 1000`);
  return n;
};

/** Interrupts on the first SIGINT/SIGTERM; later ones only say that undo is still under way. */
function interruptOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) controller.abort(sig);
    else printErr(`${sig}: still undoing faults and removing containers (each step is bounded); please wait\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

type SetExit = (code: number) => void;

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("steadystate")
    .description("Chaos and CI stability tests: real containers, real load, scheduled faults, SLO and MTTR verdicts.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: print, writeErr: printErr })
    .showSuggestionAfterError();
  addRunCommand(program, setExit);
  addReportCommand(program, setExit);
  addCompareCommand(program, setExit);
  addValidateCommand(program, setExit);
  addCleanupCommand(program, setExit);
  addKindsCommand(program);
  addDoctorCommand(program, setExit);
  return program;
}

interface RunFlags {
  out?: string;
  report?: string[];
  repeat?: number;
  ab?: boolean;
  sequential?: boolean;
  maxTrials?: number;
  config?: string;
  progress: boolean;
  dryRun?: boolean;
}

/** A run as the command line asked for it, once the scenario is loaded and the signals are handled. */
interface RunRequest {
  scenario: Scenario;
  opts: RunFlags;
  formats: string[];
  wantsMarkdown: boolean;
  signal: AbortSignal;
}

function addRunCommand(program: Command, setExit: SetExit): void {
  program
    .command("run")
    .description("run a scenario; the exit code gates the release (0 pass, 1 SLO missed, 2 invalid, 3 error, 130 interrupted)")
    .argument("<scenario>", "scenario YAML file")
    .option("-o, --out <dir>", "run folder for the journal, reports and logs (default ./steadystate-runs/<runId>)")
    .addOption(new Option("--report <formats>", `report formats, comma-separated (${FORMAT_NAMES.join(", ")})`).argParser(parseFormats("--report")))
    .addOption(new Option("--repeat <n>", "independent trials, each with fresh targets, then their aggregate").argParser(parseCount("--repeat")))
    .option("--ab", "run the scenario's variants (baseline, canary) alternately, --repeat times each, then compare them")
    .option("--sequential", "with --ab: run pairs until the data decide (anytime-valid), at most --max-trials pairs; exit 0 pass, 1 fail, 4 inconclusive")
    .addOption(new Option("--max-trials <n>", `with --sequential: the most pairs (trials per side) to run (default ${DEFAULT_MAX_TRIALS})`).argParser(parseMaxTrials))
    .option("--config <judge.yaml>", "judge configuration for --ab (see docs/canary.md)")
    .option("--no-progress", "no live progress on stderr")
    .option("--dry-run", "print the resolved schedule (times, victims, undo actions) and touch nothing")
    .action(async (file: string, opts: RunFlags) => {
      checkSequentialFlags(opts);
      const scenario = loadScenario(file, { capabilities: await detectCapabilities(), checkRules: promtool });
      // Everything a real run would refuse is refused by a dry run too.
      if (opts.config && !opts.ab) throw new UsageError("--config is for --ab (or `steadystate compare`)");
      const judgeConfig = opts.ab ? loadJudgeConfig(opts.config) : undefined;
      if (opts.ab) {
        requireVariants(scenario);
        requireJudgeSources(scenario, judgeConfig!);
      }
      const formats = opts.report ?? scenario.report.formats;
      if (opts.dryRun) {
        const plan = judgeConfig ? renderAbPlan(scenario, abPairs(opts), judgeConfig, formats, opts.sequential ? {} : undefined) : "";
        print(renderDryRun(scenario) + plan);
        return;
      }
      const wantsMarkdown = chosenFormats(formats).includes("markdown");
      const signals = interruptOnSignals();
      const request: RunRequest = { scenario, opts, formats, wantsMarkdown, signal: signals.signal };
      try {
        if (opts.ab) setExit(await runAbCompared(request, judgeConfig!));
        else if (opts.repeat !== undefined) setExit(await runRepeated(request, opts.repeat));
        else setExit(await runOnce(request));
      } finally {
        signals.dispose();
      }
    });
}

const DEFAULT_MAX_TRIALS = 10;

function parseMaxTrials(value: string): number {
  const n = parseCount("--max-trials")(value);
  // One metric at the family's whole α is the most favourable case; below its first bounded pair nothing can decide.
  const first = firstBoundedPair(n, SEQUENTIAL_ALPHA);
  if (n < first) throw new UsageError(`--max-trials: ${n} pairs cannot decide anything (a confidence sequence is bounded from pair ${first} at the earliest); give ${first} or more`);
  return n;
}

/** --sequential belongs to --ab, --max-trials to --sequential, and a sequential run has no fixed --repeat. */
function checkSequentialFlags(opts: RunFlags): void {
  if (opts.repeat !== undefined && opts.maxTrials !== undefined) {
    throw new UsageError("--repeat and --max-trials together: --repeat runs a fixed number of trials, --max-trials caps a --sequential run; give one");
  }
  if (opts.sequential && !opts.ab) throw new UsageError("--sequential is for --ab: it decides between the scenario's variants pair by pair");
  if (opts.maxTrials !== undefined && !opts.sequential) throw new UsageError("--max-trials is for --ab --sequential (a fixed number of trials is --repeat)");
  if (opts.sequential && opts.repeat !== undefined) {
    throw new UsageError("--repeat and --sequential together: a sequential run stops when the data decide; give its most pairs as --max-trials");
  }
}

/** Pairs of an A/B run: --repeat, or the most a sequential run may take. */
const abPairs = (opts: RunFlags): number => (opts.sequential ? (opts.maxTrials ?? DEFAULT_MAX_TRIALS) : (opts.repeat ?? 1));

function trialsOptions({ formats, signal, opts }: RunRequest): TrialsOptions {
  return {
    formats,
    signal,
    progress: (label: string) => terminalProgress(process.stderr, opts.progress, label),
  };
}

/**
 * Both variants, --repeat times each (or pair by pair until the sequential judge decides), then their
 * comparison; returns the exit code: the judge's, or the sequential verdict's (0 pass, 1 fail, 4 inconclusive).
 */
async function runAbCompared(request: RunRequest, judgeConfig: JudgeConfig): Promise<number> {
  const { scenario, opts, wantsMarkdown } = request;
  const sequential = opts.sequential ? { onPair: (r: Parameters<typeof pairLine>[0]) => printErr(pairLine(r) + "\n") } : undefined;
  const r = await runAb(scenario, opts.out ?? join("steadystate-runs", newRunId()), abPairs(opts), judgeConfig, { ...trialsOptions(request), ...(sequential ? { sequential } : {}) });
  for (const side of ["baseline", "canary"] as const) print(renderTrialsSummary(r.sides[side].aggregate, r.sides[side].trials.map((t) => t.journal), join(r.dir, side)) + "\n");
  const broken = (["baseline", "canary"] as const).map((k) => r.sides[k].aggregate.verdict).find((v) => v === "interrupted" || v === "error");
  if (!r.comparison) return EXIT_CODES[broken ?? "error"];
  print(comparisonText(r.comparison));
  if (!r.sequential) {
    if (wantsMarkdown) appendStepSummary(comparisonMarkdown(r.comparison));
    return comparisonExitCode(r.comparison);
  }
  const text = sequentialText(r.sequential);
  print(`\n${text}(the exit code follows the sequential verdict; the table above judges the same trials as a fixed sample)\n`);
  if (wantsMarkdown) appendStepSummary(`${comparisonMarkdown(r.comparison)}\n\`\`\`\n${text}\`\`\`\n`);
  return SEQUENTIAL_EXIT_CODES[r.sequential.verdict];
}

/** Independent trials, then their aggregate; returns the exit code. */
async function runRepeated(request: RunRequest, repeat: number): Promise<number> {
  const { scenario, opts, wantsMarkdown } = request;
  const r = await runTrials(scenario, opts.out ?? join("steadystate-runs", newRunId()), repeat, trialsOptions(request));
  print(renderTrialsSummary(r.aggregate, r.trials.map((t) => t.journal), r.dir));
  if (wantsMarkdown) appendStepSummary(trialsReporters.markdown.render(r.aggregate, r.trials.map((t) => t.journal)));
  return EXIT_CODES[r.aggregate.verdict];
}

/** One run; returns the exit code. */
async function runOnce({ scenario, opts, formats, wantsMarkdown, signal }: RunRequest): Promise<number> {
  const result = await runScenario(scenario, {
    ...(opts.out ? { outDir: opts.out } : {}),
    formats,
    signal,
    progress: terminalProgress(process.stderr, opts.progress),
  });
  print(renderSummary(result.journal, result.runDir));
  if (wantsMarkdown) appendStepSummary(reporters.markdown.render(result.journal));
  return EXIT_CODES[result.journal.verdict];
}

function addReportCommand(program: Command, setExit: SetExit): void {
  program
    .command("report")
    .description("render the reports of a run folder (one run, repeated trials or an A/B run) again from its journals")
    .argument("<path>", "run folder, or a journal.json")
    .addOption(new Option("--format <formats>", `formats, comma-separated (${FORMAT_NAMES.join(", ")})`).argParser(parseFormats("--format")).default(["html", "junit", "markdown"], "html,junit,md"))
    .action((path: string, opts: { format: string[] }) => {
      const r = rerender(readRunFolder(path), opts.format);
      for (const f of r.files) print(`${f}\n`);
      for (const n of r.notes) printErr(`${n}\n`);
      if (r.markdown) appendStepSummary(r.markdown);
      setExit(0);
    });
}

function addCompareCommand(program: Command, setExit: SetExit): void {
  program
    .command("compare")
    .description("judge a canary against a baseline (Mann-Whitney U, proportions, Holm); exit 0 pass, 1 fail, 4 inconclusive")
    .argument("<baseline>", "run folder of the baseline (one run or repeated trials)")
    .argument("<canary>", "run folder of the canary")
    .option("--config <judge.yaml>", "metrics, margins, critical metrics, weights and thresholds (default: see docs/canary.md)")
    .option("-o, --out <dir>", "also write compare.json there, and the --report formats")
    .addOption(new Option("--report <formats>", "formats beside compare.json in --out: markdown (compare.md), html (compare.html)").argParser(parseFormats("--report")).default(["markdown", "html"], "md,html"))
    .option("--json", "print the comparison as JSON instead of a table")
    .action((baseline: string, canary: string, opts: { config?: string; out?: string; report: string[]; json?: boolean }) => {
      const c = compareFolders(baseline, canary, loadJudgeConfig(opts.config));
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        writeComparison(c, resolve(opts.out), opts.report);
      }
      print(opts.json ? JSON.stringify(c, null, 2) + "\n" : comparisonText(c));
      appendStepSummary(comparisonMarkdown(c));
      setExit(comparisonExitCode(c));
    });
}

function addValidateCommand(program: Command, setExit: SetExit): void {
  program
    .command("validate")
    .description("check scenario files without running anything (exit 2 when any is invalid, 3 when this machine cannot inject a fault)")
    .argument("<files...>", "scenario YAML files")
    .action(async (files: string[]) => {
      const capabilities = await detectCapabilities();
      let invalid = 0;
      let unable = 0;
      for (const file of files) {
        try {
          const s = loadScenario(file, { capabilities, checkRules: promtool });
          print(`${file}: ok (${Object.keys(s.targets).length} target(s), ${s.faults.length} fault(s), ${s.slo.length} objective(s), load ${s.load.durationMs / 1_000}s)\n`);
        } catch (e) {
          if (e instanceof CapabilityError) {
            unable++;
            printErr(`${e.message}\nfix: ${e.fix}\n`);
            continue;
          }
          if (!(e instanceof ScenarioError || e instanceof UsageError)) throw e;
          invalid++;
          printErr(`${e.message}\n`);
        }
      }
      setExit(invalid ? 2 : unable ? 3 : 0);
    });
}

function addCleanupCommand(program: Command, setExit: SetExit): void {
  program
    .command("cleanup")
    .description(
      "finish what killed runs left: replay a run folder's undo log (faults on containers the run does not own), then remove containers, networks and volumes labelled steadystate.run, except those of runs still in progress (unless named with --run); never touches anything else",
    )
    .argument("[runDir]", "a run folder: replay its undo.json, then remove that run's containers, networks and volumes")
    .option("--run <runId>", "only what this run created (its undo log too, when its folder is ./steadystate-runs/<runId>)")
    .action(async (runDir: string | undefined, opts: { run?: string }) => {
      const docker = await connectDocker();
      const dir = runDir ?? (opts.run && existsSync(defaultRunDir(opts.run)) ? defaultRunDir(opts.run) : undefined);
      const r = dir ? await cleanupRun(docker, dir) : { undone: [], refused: [], ...(await cleanup(docker, opts.run)) };
      print(`removed ${r.containers.length} container(s), ${r.networks.length} network(s), ${r.volumes.length} volume(s)${r.processes.length ? `, ${r.processes.length} process(es)` : ""}\n`);
      for (const name of [...r.containers, ...r.networks, ...r.volumes, ...r.processes.map((p) => `pid ${p}`)]) print(`  ${name}\n`);
      for (const s of r.skipped) print(`skipped run ${s.runId}: still in progress (pid ${s.pid}); \`steadystate cleanup --run ${s.runId}\` removes it anyway\n`);
      if (dir) print(`undid ${r.undone.length} fault(s) from ${dir}/undo.json\n`);
      for (const label of r.undone) print(`  ${label}\n`);
      for (const line of r.refused) printErr(`${line}\n`);
      for (const e of r.errors) printErr(`could not ${e.startsWith("undo ") ? "" : "remove "}${e}\n`);
      setExit(r.errors.length || r.refused.length ? 3 : 0);
    });
}

function addKindsCommand(program: Command): void {
  program
    .command("kinds")
    .description("list what a scenario can name: fault kinds, load engines, checks, detectors, signals, heal actions, report formats")
    .argument("[family]", `one family only (${familyNames().join(", ")})`)
    .action((family?: string) => {
      const text = renderKinds(family);
      if (text === undefined) throw new UsageError(`kinds: unknown family "${family}"; valid: ${familyNames().join(", ")}`);
      print(text);
    });
}

function addDoctorCommand(program: Command, setExit: SetExit): void {
  program
    .command("doctor")
    .description("check this machine: Docker, root, kernel features for faults, optional tools (exit 3 when a required one is missing)")
    .action(async () => {
      const checks = await doctorChecks();
      print(renderDoctor(checks));
      setExit(checks.some((c) => c.required && !c.ok) ? 3 : 0);
    });
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other command-line mistake is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ScenarioError || e instanceof UsageError) {
      printErr(`${e.message}\n`);
      return 2;
    }
    if (e instanceof InfraError) {
      printErr(`error: ${e.message}\n${e.fix ? `fix: ${e.fix}\n` : ""}`);
      return 3;
    }
    printErr(`internal error: ${(e as Error).message}\n`);
    if (process.env.STEADYSTATE_DEBUG) printErr(`${(e as Error).stack}\n`);
    else printErr("set STEADYSTATE_DEBUG=1 to see where it happened\n");
    return 3;
  }
}
