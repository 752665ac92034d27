import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDryRun } from "../../harness/cli/dry-run.ts";
import { expandTargets } from "../../harness/specs/journeys/spec.ts";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";
import { goDuration, importCompose } from "../../harness/scenario/compose.ts";
import { messages } from "./scenario-messages.ts";

const root = join(import.meta.dirname, "..", "..");
const HEAD = `version: 1
name: t
targets:
  web: { build: ../fixtures/web, port: 8080 }
load: { target: web, duration: 10s }
`;
const inline = (yaml: string, dir = "scenarios") => parseScenario(yaml, join(root, dir, "inline.yaml"), "inline.yaml");

describe("journeys[]", () => {
  it("reads steps with their defaults, and expands {{targets.NAME}} to the loopback URL", () => {
    const s = inline(HEAD + `journeys:
  - name: checkout
    steps:
      - goto: "{{targets.web}}/"
      - fill: "#quantity"
        value: "2"
      - click: "text=Add to cart"
      - expectText: "Cart: 2 items"
`);
    expect(s.journeys).toEqual([
      {
        name: "checkout",
        browsers: 1,
        everyMs: 2_000,
        timeoutMs: 10_000,
        hypothesis: true,
        steps: [
          { action: "goto", arg: "{{targets.web}}/" },
          { action: "fill", arg: "#quantity", value: "2" },
          { action: "click", arg: "text=Add to cart" },
          { action: "expectText", arg: "Cart: 2 items" },
        ],
      },
    ]);
    expect(expandTargets("{{targets.web}}/cart?x={{ targets.web }}", { web: "http://127.0.0.1:4100" })).toBe("http://127.0.0.1:4100/cart?x=http://127.0.0.1:4100");
  });

  it("reports bad steps, unknown targets, pages off loopback and too many browsers, all at once", () => {
    expect(
      messages(() =>
        inline(HEAD + `journeys:
  - name: a
    browsers: 3
    steps:
      - goto: "https://example.com/"
      - { click: "#x", fill: "#y" }
      - fill: "#q"
      - goto: "{{targets.api}}/"
      - tap: "#x"
  - name: a
    browsers: 2
    script: ./nowhere.mjs
  - name: b
`),
      ),
    ).toEqual([
      "inline.yaml:7:3: journeys: 6 browsers in all is more than 4: each is a Chromium renderer sharing the CPU with the targets",
      "inline.yaml:10:15: journeys[0].steps[0].goto: journeys only visit the run's targets: start the URL with {{targets.NAME}} (or http://127.0.0.1:PORT)",
      "inline.yaml:11:9: journeys[0].steps[1]: one action per step, not click and fill",
      "inline.yaml:11:9: journeys[0].steps[1].value: is required with fill: the text to type",
      "inline.yaml:12:9: journeys[0].steps[2].value: is required with fill: the text to type",
      'inline.yaml:13:15: journeys[0].steps[3].goto: unknown target "api" in {{targets.api}} (valid: web)',
      'inline.yaml:14:9: journeys[0].steps[4].tap: unknown key "tap" (valid: goto, click, fill, value, press, expectText, waitFor)',
      "inline.yaml:14:9: journeys[0].steps[4]: a step needs one action: goto, click, fill, press, expectText, waitFor",
      'inline.yaml:15:11: journeys[1].name: journey name "a" is used twice',
      `inline.yaml:17:13: journeys[1].script: file ${join(root, "scenarios", "nowhere.mjs")} does not exist`,
      "inline.yaml:18:5: journeys[2]: give steps (a list of actions) or script (a module exporting async (page, ctx) => {}), one of them",
    ]);
  });
});

describe("--dry-run", () => {
  it("lists the probes and the journeys", () => {
    const s = inline(HEAD + `probes:
  - { name: health, target: web, path: /healthz, every: 500ms }
journeys:
  - name: checkout
    browsers: 2
    every: 1s
    steps: [{ goto: "{{targets.web}}/" }, { click: "text=Add to cart" }]
  - { name: search, script: ../test/fixtures/journeys/shop.mjs, hypothesis: false }
`);
    expect(renderDryRun(s)).toContain(`abortWhen: none
probes:
  health: GET /healthz on web every 500ms, timeout 500ms
journeys:
  checkout: 2 step(s), 2 browser(s) every 1s, timeout 10s
  search: script ${join(root, "test", "fixtures", "journeys", "shop.mjs")}, 1 browser(s) every 2s, timeout 10s, not in the hypothesis
`);
    expect(renderDryRun(inline(HEAD))).toContain("abortWhen: none\nprobes: none\njourneys: none\n");
  });

  it("lists the hypothesis, checks, detection, heal rules and objectives the run will judge", () => {
    const dh = renderDryRun(loadScenario(join(root, "scenarios", "detect-and-heal.yaml")));
    expect(dh).toContain(`steadyState: error rate < 1%, in 1s windows; recovered after 3s of it
checks: none
detection:
  prometheus: started for the run with ${join(root, "fixtures", "alerts.yml")} (scrape 1s, evaluation 1s)
  expect ApiDown within 6s of each stop
`);
    expect(dh).toContain("  no alert before the first fault\n  errors-threshold: threshold on error_rate of load: value > 0.05 for 0ms, every 1s\n");
    expect(dh).toContain(`heal:
  heal[0]: on ApiDown (cooldown 5s), restart api (grace 1000ms)
  heal[1]: on memory-high, restart api (grace 1000ms)
slo: mttd < 6s; mttr < 8s; false_alarms < 1; availability >= 70%; error_budget_burn < 100%
`);
    expect(renderDryRun(loadScenario(join(root, "scenarios", "backup-restore.yaml")))).toContain(`checks:
  checks[0]: acknowledged writes to store /kv (50/s), then a backup-restore drill
detection: none
heal: none
slo: lost_writes <= 0; restore_lost_writes <= 0; restore_time < 15s; mttr < 4s
`);
  });
});

describe("targets.fromCompose", () => {
  it("imports the example's services: build, environment, the HTTP port, restart, depends_on, healthcheck", () => {
    const s = loadScenario(join(root, "scenarios", "compose.yaml"));
    expect(s.targets.api).toMatchObject({
      name: "api",
      buildDir: join(root, "fixtures", "api"),
      port: 8080,
      restart: "on-failure",
      env: { WORK_MS: "1" },
      dependsOn: [],
      healthcheck: { test: ["CMD", "/usr/bin/node", "-e", expect.stringContaining("/healthz")], interval: 500, timeout: 2_000, retries: 3, startPeriod: 0 },
    });
    expect(s.targets.web).toMatchObject({ buildDir: join(root, "fixtures", "web"), port: 8080, restart: "no", env: { API_URL: "http://api:8080" }, dependsOn: ["api"] });
    expect(s.targets.web!.healthcheck).toBeUndefined();
  });

  it("lists every unsupported Compose key as an error located in the Compose file, never ignoring one", () => {
    const file = join("test", "fixtures", "compose", "unsupported.yml");
    expect(
      messages(() =>
        inline(`version: 1
name: t
targets:
  fromCompose: ./compose/unsupported.yml
  db: { image: x:1, port: 1 }
load: { target: api, duration: 5s }
`, join("test", "fixtures")),
      ),
    ).toEqual([
      'inline.yaml:5:3: targets.db: "db" is also a service of ./compose/unsupported.yml',
      `${file}:4:12: services.api.ports: give exactly one port: the container port serving HTTP`,
      `${file}:5:5: services.api.container_name: is not supported (valid: image, build, environment, ports, expose, command, restart, depends_on, healthcheck, deploy)`,
      `${file}:6:5: services.api.volumes: is not supported (valid: image, build, environment, ports, expose, command, restart, depends_on, healthcheck, deploy)`,
      `${file}:7:14: services.api.restart: restart "unless-stopped" is not supported (valid: no, on-failure, always)`,
      `${file}:9:9: services.api.environment[0]: TOKEN has no value (taking it from the shell is not supported: write it in the file)`,
      `${file}:10:9: services.api.environment[1]: variable interpolation (\${HOST}) is not supported: write the value in the file ($$ for a literal $)`,
      `${file}:11:3: services.db: give ports (or expose): steadystate reaches each target over one HTTP port`,
      `${file}:14:25: services.db.depends_on.api.condition: service_completed_successfully is not supported (targets are long-running services)`,
      `${file}:18:16: services.db.healthcheck.timeout: "soon" is not a duration like 10s, 1m30s or 500ms`,
      `${file}:19:1: networks: is not supported (steadystate makes one network per run and keeps no volumes) (valid: services, name, version)`,
    ]);
  });

  it("refuses $ interpolation in every value it uses, located; reads $$ as a literal $", () => {
    const file = join("test", "fixtures", "compose", "interpolation.yml");
    expect(
      messages(() =>
        inline(`version: 1
name: t
targets:
  fromCompose: ./compose/interpolation.yml
load: { target: web, duration: 5s }
`, join("test", "fixtures")),
      ),
    ).toEqual([
      `${file}:3:12: services.api.image: variable interpolation (\${TAG}) is not supported: write the value in the file ($$ for a literal $)`,
      `${file}:4:13: services.api.ports[0]: variable interpolation (\${PORT}) is not supported: write the value in the file ($$ for a literal $)`,
      `${file}:5:23: services.api.command[1]: variable interpolation ($APP) is not supported: write the value in the file ($$ for a literal $)`,
      `${file}:6:19: services.api.environment[0]: variable interpolation ($HOST) is not supported: write the value in the file ($$ for a literal $)`,
      `${file}:6:33: services.api.environment[1]: TOKEN has no value (taking it from the shell is not supported: write it in the file)`,
      `${file}:6:42: services.api.environment[2]: a "$" starts a variable in Compose: write $$ for a literal $`,
    ]);
  });

  it("maps $$ to $, and healthcheck test: [NONE] or disable: true to no health check", () => {
    const { targets, broken } = importCompose(join(root, "test", "fixtures", "compose", "interpolation.yml"));
    expect(broken).toEqual(new Set(["api"]));
    expect(targets.web).toEqual({ image: "web:1", port: 8080, command: ["echo", "$HOME"], env: { PRICE: "$5", GREETING: "${NAME:-x}" } });
    expect(targets.worker).toEqual({ image: "worker:1", port: 8080 });
  });

  it("reads Go durations as Compose writes them", () => {
    expect([goDuration("1m30s"), goDuration("500ms"), goDuration("1.5s"), goDuration("2h"), goDuration("10"), goDuration("1x")]).toEqual([90_000, 500, 1_500, 7_200_000, undefined, undefined]);
  });
});
