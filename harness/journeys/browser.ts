// Debian's Chromium, driven by playwright-core (which downloads no browser). Found at /usr/bin/chromium
// or STEADYSTATE_CHROMIUM; missing means exit 3 with the install command.
import { accessSync, constants } from "node:fs";
import type { Browser } from "playwright-core";
import { InfraError } from "../scenario/errors.ts";

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

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  // Loaded only by runs with journeys: playwright-core takes a noticeable share of every other run's start-up.
  const { chromium } = await import("playwright-core");
  try {
    return await chromium.launch({ executablePath, args: ARGS, timeout: 30_000 });
  } catch (e) {
    throw new InfraError(`Chromium (${executablePath}) did not start: ${(e as Error).message.split("\n")[0]}`, `check that \`${executablePath} --headless --no-sandbox --version\` works`);
  }
}
