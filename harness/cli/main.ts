// The command line: run, validate, cleanup, doctor. Exit codes: 0 pass, 1 SLO missed, 2 invalid scenario or
// usage, 3 harness or infrastructure error, 130 interrupted. No stack traces for known failures.
import { existsSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { reporters } from "../../reports/registry.ts";
import { runScenario } from "../run/orchestrator.ts";
import { EXIT_CODES, VERSION } from "../run/verdict.ts";
import { detectCapabilities } from "../faults/capabilities.ts";
import { CapabilityError, InfraError, ScenarioError, UsageError } from "../scenario/errors.ts";
import { loadScenario } from "../scenario/parse.ts";
import { cleanupRun, defaultRunDir } from "../run/cleanup-run.ts";
import { cleanup } from "../targets/cleanup.ts";
import { connectDocker } from "../targets/docker.ts";
import { doctorChecks, renderDoctor } from "./doctor.ts";
import { renderDryRun } from "./dry-run.ts";
import { terminalProgress } from "./progress.ts";
import { renderSummary } from "./summary.ts";

const print = (text: string) => process.stdout.write(text);
const printErr = (text: string) => process.stderr.write(text);

function parseFormats(value: string): string[] {
  const formats = value.split(",").map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !Object.hasOwn(reporters, f));
  if (unknown.length) throw new UsageError(`--report: unknown format ${unknown.join(", ")} (valid: ${Object.keys(reporters).join(", ")})`);
  return formats;
}

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

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("steadystate")
    .description("Chaos and CI stability tests: real containers, real load, scheduled faults, SLO and MTTR verdicts.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: print, writeErr: printErr })
    .showSuggestionAfterError();

  program
    .command("run")
    .description("run a scenario; the exit code gates the release (0 pass, 1 SLO missed, 2 invalid, 3 error, 130 interrupted)")
    .argument("<scenario>", "scenario YAML file")
    .option("-o, --out <dir>", "run folder for the journal, reports and logs (default ./steadystate-runs/<runId>)")
    .addOption(new Option("--report <formats>", `report formats, comma-separated (${Object.keys(reporters).join(", ")})`).argParser(parseFormats))
    .option("--no-progress", "no live progress on stderr")
    .option("--dry-run", "print the resolved schedule (times, victims, undo actions) and touch nothing")
    .action(async (file: string, opts: { out?: string; report?: string[]; progress: boolean; dryRun?: boolean }) => {
      const scenario = loadScenario(file, { capabilities: await detectCapabilities() });
      if (opts.dryRun) {
        print(renderDryRun(scenario));
        return;
      }
      const signals = interruptOnSignals();
      try {
        const result = await runScenario(scenario, {
          ...(opts.out ? { outDir: opts.out } : {}),
          ...(opts.report ? { formats: opts.report } : {}),
          signal: signals.signal,
          progress: terminalProgress(process.stderr, opts.progress),
        });
        print(renderSummary(result.journal, result.runDir));
        setExit(EXIT_CODES[result.journal.verdict]);
      } finally {
        signals.dispose();
      }
    });

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
          const s = loadScenario(file, { capabilities });
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

  program
    .command("cleanup")
    .description(
      "finish what killed runs left: replay a run folder's undo log (faults on containers the run does not own), then remove containers, networks and volumes labelled steadystate.run; never touches anything else",
    )
    .argument("[runDir]", "a run folder: replay its undo.json, then remove that run's containers, networks and volumes")
    .option("--run <runId>", "only what this run created (its undo log too, when its folder is ./steadystate-runs/<runId>)")
    .action(async (runDir: string | undefined, opts: { run?: string }) => {
      const docker = await connectDocker();
      const dir = runDir ?? (opts.run && existsSync(defaultRunDir(opts.run)) ? defaultRunDir(opts.run) : undefined);
      const r = dir ? await cleanupRun(docker, dir) : { undone: [], ...(await cleanup(docker, opts.run)) };
      print(`removed ${r.containers.length} container(s), ${r.networks.length} network(s), ${r.volumes.length} volume(s)${r.processes.length ? `, ${r.processes.length} process(es)` : ""}\n`);
      for (const name of [...r.containers, ...r.networks, ...r.volumes, ...r.processes.map((p) => `pid ${p}`)]) print(`  ${name}\n`);
      if (dir) print(`undid ${r.undone.length} fault(s) from ${dir}/undo.json\n`);
      for (const label of r.undone) print(`  ${label}\n`);
      for (const e of r.errors) printErr(`could not ${e.startsWith("undo ") ? "" : "remove "}${e}\n`);
      setExit(r.errors.length ? 3 : 0);
    });

  program
    .command("doctor")
    .description("check this machine: Docker, root, kernel features for faults, optional tools (exit 3 when a required one is missing)")
    .action(async () => {
      const checks = await doctorChecks();
      print(renderDoctor(checks));
      setExit(checks.some((c) => c.required && !c.ok) ? 3 : 0);
    });
  return program;
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
