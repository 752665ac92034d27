// The located messages a judge file's mistakes give, one per line (what the CLI prints), for tests of them.
import { join } from "node:path";
import { loadJudgeConfig } from "../../harness/canary/config.ts";
import { ScenarioError } from "../../harness/contracts/errors.ts";

export function judgeFileErrors(name: string): string[] {
  try {
    loadJudgeConfig(join(import.meta.dirname, "..", "invalid", name));
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return e.message.split("\n");
  }
  throw new Error(`test/invalid/${name} loaded without an error`);
}
