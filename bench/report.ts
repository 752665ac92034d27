// The bench's output: the table printed at the end, bench/results.json, and the README section.
import type { Figure, FigureUnit } from "./item.ts";
import { table } from "../harness/cli/summary.ts";
import { machineText, type Machine } from "./machine.ts";

export interface ItemResult {
  id: number;
  title: string;
  figures: Figure[];
  details: Record<string, unknown>;
  error?: string;
}

export interface BenchResults {
  generatedAt: string;
  machine: Machine;
  items: ItemResult[];
}

const SUFFIX: Record<FigureUnit, string> = { ratio: "", ms: " ms", s: " s", MB: " MB", bytes: " B", "req/s": " req/s" };

export function formatFigure(value: number | null, unit: FigureUnit): string {
  if (value === null) return "—";
  return `${unit === "ratio" ? value.toFixed(3) : value.toLocaleString("en-US")}${SUFFIX[unit]}`;
}

const goalText = (f: Figure) => (f.goal ? `${f.goal.op.replace(">=", "≥").replace("<=", "≤")} ${formatFigure(f.goal.value, f.unit)}` : "");
const resultText = (f: Figure) => (f.pass === undefined ? "" : f.pass ? "pass" : "MISSED");

/** One row per item (its title), then one per figure. */
function rows(items: readonly ItemResult[], indent: string): string[][] {
  return items.flatMap((item) => [
    [String(item.id), item.title, item.error ? "error" : "", "", item.error ?? ""],
    ...item.figures.map((f) => ["", `${indent}${f.name}`, formatFigure(f.value, f.unit), goalText(f), resultText(f)]),
  ]);
}

export function renderTable(results: BenchResults): string {
  return `${table(["#", "figure", "measured", "goal", "result"], rows(results.items, "  "))}\n\nmachine: ${machineText(results.machine)}\n`;
}

export function renderReadmeSection(results: BenchResults): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    `Measured ${results.generatedAt.slice(0, 10)} on ${machineText(results.machine)} (\`npm run bench\`; raw figures in`,
    "[bench/results.json](bench/results.json)). Ratios are measured in the same run, with interleaved repeats.",
    "",
    "| # | figure | measured | goal | result |",
    "|---|---|---|---|---|",
    ...rows(results.items, "").map(([id, name, ...rest]) => `| ${[id!, id ? `**${name}**` : name!, ...rest].map(cell).join(" | ")} |`),
  ];
  const notes = results.items.flatMap((item) => item.figures.filter((f) => f.note).map((f) => `- ${item.id}, ${f.name.trim()}: ${f.note}`));
  if (notes.length) lines.push("", ...notes);
  return lines.join("\n");
}
