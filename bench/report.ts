// The bench's output: the table printed at the end and the README section, from bench/results.json's data.
import type { Figure, FigureUnit } from "./item.ts";
import { table } from "../reports/text-table.ts";
import { machineText, type Machine } from "./machine.ts";
import type { BenchResults, ItemResult } from "./results.ts";

const SUFFIX: Record<FigureUnit, string> = { ratio: "", ms: " ms", s: " s", MB: " MB", bytes: " B", "req/s": " req/s", pairs: " pairs" };

export function formatFigure(value: number | null, unit: FigureUnit): string {
  if (value === null) return "—";
  return `${unit === "ratio" ? value.toFixed(3) : value.toLocaleString("en-US")}${SUFFIX[unit]}`;
}

const goalText = (f: Figure) => (f.goal ? `${f.goal.op.replace(">=", "≥").replace("<=", "≤")} ${formatFigure(f.goal.value, f.unit)}` : "");

function resultText(f: Figure): string {
  if (f.pass === undefined) return "";
  if (f.pass) return "pass";
  return f.value === null ? `MISSED (not measured${f.missing ? `: ${f.missing}` : ""})` : "MISSED";
}

/** One row per item (its title), then one per figure. */
function rows(items: readonly ItemResult[], indent: string): string[][] {
  return items.flatMap((item) => [
    [String(item.id), item.title, item.error ? "error" : "", "", item.error ?? ""],
    ...item.figures.map((f) => ["", `${indent}${f.name}`, formatFigure(f.value, f.unit), goalText(f), resultText(f)]),
  ]);
}

export interface RunOfItems {
  generatedAt: string;
  machine: Machine;
  ids: number[];
}

/** The runs the items were measured in (one per generatedAt), in the order of their first item. */
export function runsOf(items: readonly ItemResult[]): RunOfItems[] {
  const runs: RunOfItems[] = [];
  for (const item of items) {
    const run = runs.find((r) => r.generatedAt === item.generatedAt);
    if (run) run.ids.push(item.id);
    else runs.push({ generatedAt: item.generatedAt, machine: item.machine, ids: [item.id] });
  }
  return runs;
}

const itemsText = (ids: readonly number[]) => `${ids.length === 1 ? "item" : "items"} ${ids.join(", ")}`;
/** Minutes are enough to tell runs apart; the README gives the day only when there is one run. */
const whenText = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const runText = (r: RunOfItems) => `${itemsText(r.ids)}: ${whenText(r.generatedAt)} on ${machineText(r.machine)}`;

export function renderTable(results: BenchResults): string {
  const runs = runsOf(results.items);
  const where =
    runs.length === 1
      ? `machine: ${machineText(runs[0]!.machine)}`
      : [`measured in ${runs.length} runs:`, ...runs.map((r) => `  ${runText(r)}`)].join("\n");
  return `${table(["#", "figure", "measured", "goal", "result"], rows(results.items, "  "))}\n\n${where}\n`;
}

export function renderReadmeSection(results: BenchResults): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const runs = runsOf(results.items);
  const raw = "[bench/results.json](bench/results.json)";
  const same = "Ratios are measured in the same run, with interleaved repeats.";
  const header =
    runs.length === 1
      ? [`Measured ${runs[0]!.generatedAt.slice(0, 10)} on ${machineText(runs[0]!.machine)} (\`npm run bench\`; raw figures in`, `${raw}). ${same}`]
      : [
          `Measured with \`npm run bench\` in ${runs.length} runs (raw figures in ${raw}):`,
          "",
          ...runs.map((r) => `- ${runText(r)}`),
          "",
          same,
        ];
  const lines = [
    ...header,
    "",
    "| # | figure | measured | goal | result |",
    "|---|---|---|---|---|",
    ...rows(results.items, "").map(([id, name, ...rest]) => `| ${[id!, id ? `**${name}**` : name!, ...rest].map(cell).join(" | ")} |`),
  ];
  const notes = results.items.flatMap((item) => item.figures.filter((f) => f.note).map((f) => `- ${item.id}, ${f.name.trim()}: ${f.note}`));
  if (notes.length) lines.push("", ...notes);
  return lines.join("\n");
}
