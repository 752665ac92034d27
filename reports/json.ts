import type { Reporter } from "./reporter.ts";

export const json: Reporter = {
  format: "json",
  file: "journal.json",
  render: (journal) => JSON.stringify(journal, null, 2) + "\n",
};
