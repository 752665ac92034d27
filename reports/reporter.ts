import type { Journal } from "../harness/contracts/journal.ts";

/** A renderer: a pure function from a journal to one file's content. */
export interface Reporter {
  format: string;
  /** File name inside the run folder. */
  file: string;
  render(journal: Journal): string;
}
