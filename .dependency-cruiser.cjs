// The house's layers, bottom up: contracts → specs (and the scenario that composes them) → runtimes →
// readers → run → cli. Imports point down, never up, never in a circle (type-only imports count).
// `npm test` runs this file (npm run layers); a change that bends a layer fails with the rule's name.
const CONTRACTS = "^harness/contracts/";
const SPECS = "^harness/specs/";
const SCENARIO = "^harness/scenario/";
const RUNTIMES = "^harness/(docker|targets|faults|proxy|load|probes|journeys|detect|heal|checks|monitor|metrics|balancer|host)/";
const READERS = "^(harness/(slo|canary|trials)/|reports/)";
const RUN = "^harness/run/";
const CLI = "^(harness/cli/|bin/)";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A circle has no bottom floor: none of its files can be read, tested or moved without the others.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "contracts-stand-alone",
      comment: "Contracts (scenario and journal types, errors, units, time) are what every layer shares: they import nothing of the project.",
      severity: "error",
      from: { path: CONTRACTS },
      to: { path: "^(harness|reports|bench|scripts|bin|test)/", pathNot: CONTRACTS },
    },
    {
      name: "specs-are-pure",
      comment: "Plug-in specs (schemas, cross-checks, summaries) load no Docker, process or socket code: validating a file must not.",
      severity: "error",
      from: { path: SPECS },
      to: { path: "^(harness|reports)/", pathNot: `${CONTRACTS}|${SPECS}` },
    },
    {
      name: "scenario-reads-specs-only",
      comment: "The scenario composes the plug-in specs; validate never loads a runtime, a reader or a renderer.",
      severity: "error",
      from: { path: SCENARIO },
      to: { path: "^(harness|reports)/", pathNot: `${CONTRACTS}|${SPECS}|${SCENARIO}` },
    },
    {
      name: "runtimes-below-run",
      comment: "Runtimes (Docker, processes, sockets) are driven by the run: they never reach up to it, to readers or to the CLI.",
      severity: "error",
      from: { path: RUNTIMES },
      to: { path: `${RUN}|${READERS}|${CLI}` },
    },
    {
      name: "readers-read-the-journal",
      comment: "SLO evaluation, the canary judge and reports read the journal contract: never the runner, targets or a runtime.",
      severity: "error",
      from: { path: READERS },
      to: { path: `${RUNTIMES}|${RUN}|${CLI}` },
    },
    {
      name: "run-below-cli",
      comment: "The run is a library the CLI, bench and scripts call; it never imports the CLI.",
      severity: "error",
      from: { path: RUN },
      to: { path: CLI },
    },
    {
      name: "product-never-imports-tests",
      comment: "bench/, scripts/ and the product use the public harness, never test/ (and so never vitest).",
      severity: "error",
      from: { path: "^(harness|reports|bench|scripts|bin)/" },
      to: { path: "^test/" },
    },
    {
      name: "product-never-imports-tools",
      comment: "bench/ and scripts/ sit on top: nothing in the product imports them.",
      severity: "error",
      from: { path: "^(harness|reports|bin)/" },
      to: { path: "^(bench|scripts)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
