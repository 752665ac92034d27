// Debian's Chromium, driven by playwright-core (which downloads no browser). Found at /usr/bin/chromium
// or STEADYSTATE_CHROMIUM; missing means exit 3 with the install command.
import { accessSync, constants } from "node:fs";
import type { Browser } from "playwright-core";
import { InfraError } from "../contracts/errors.ts";

export const CHROMIUM_INSTALL = "apt-get install -y --no-install-recommends chromium";

// Headless without a sandbox (root in CI), and no traffic of its own: no updates, sync or background fetches.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium binary to drive, or an InfraError saying how to install it. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.STEADYSTATE_CHROMIUM || "/usr/bin/chromium";
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new InfraError(
      `Chromium is not installed (no executable at ${path}); browser journeys need it`,
      `${CHROMIUM_INSTALL} (or set STEADYSTATE_CHROMIUM to a Chromium or Chrome binary)`,
    );
  }
  return path;
}

const LAUNCH_TIMEOUT_MS = 30_000;
/** A launch that timed out is tried this many more times: on a loaded machine a first start can stall. */
const LAUNCH_RETRIES = 1;
/** Lines of the browser's own log kept in the error (playwright appends them to its message). */
const LOG_LINES = 6;

export async function launchChromium(options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Browser> {
  const executablePath = chromiumPath(options.env);
  // Loaded only by runs with journeys: playwright-core takes a noticeable share of every other run's start-up.
  const { chromium } = await import("playwright-core");
  for (let attempt = 0; ; attempt++) {
    try {
      // playwright ends the browser process when a launch times out, so a retry starts from nothing.
      return await chromium.launch({ executablePath, args: ARGS, timeout: options.timeoutMs ?? LAUNCH_TIMEOUT_MS });
    } catch (e) {
      const [first, ...rest] = (e as Error).message.split("\n");
      if (attempt < LAUNCH_RETRIES && /Timeout \d+ms exceeded/.test(first!)) continue;
      const tries = attempt ? ` (${attempt + 1} attempts)` : "";
      const log = browserLog(rest);
      throw new InfraError(
        `Chromium (${executablePath}) did not start${tries}: ${first}${log.map((l) => `\n  ${l}`).join("")}`,
        `check that \`${executablePath} --headless --no-sandbox --version\` works`,
      );
    }
  }
}

/** What the browser itself printed, and how it exited, from the log playwright appends to its error. */
function browserLog(lines: string[]): string[] {
  const callLog = lines.indexOf("Call log:");
  const own = (callLog < 0 ? lines : lines.slice(0, callLog)).flatMap((l) => /^\[pid=\d+\]\[(?:err|out)\] (.*)$/.exec(l)?.[1] ?? []);
  const exit = lines.map((l) => /<process did exit: (.*)>/.exec(l.replace(/\u001b\[\d+m/g, ""))?.[1]).find(Boolean);
  return [...own.slice(-LOG_LINES), ...(exit ? [`exited: ${exit}`] : [])];
}
