// autocannon 9 where @types/autocannon 7 (the newest there is) falls short of it, typed once here: several
// URLs, any method, and the per-connection client's events and request queue.
import autocannon from "autocannon";

/** The part of autocannon's per-connection client the harness relies on (autocannon 9). */
export interface AutocannonClient {
  on(event: "response", listener: (status: number, bytes: number, latencyMs: number) => void): void;
  on(event: "connError", listener: (err: NodeJS.ErrnoException) => void): void;
  on(event: "request" | "timeout", listener: () => void): void;
  pipelinedRequests: { clear(): void; size(): number };
}

export interface AutocannonOptions extends Omit<autocannon.Options, "url" | "method" | "setupClient"> {
  /** Several URLs share the connections out between them. */
  url: string | string[];
  /** Sent as given: autocannon checks it against no list. */
  method?: string;
  setupClient?: (client: AutocannonClient) => void;
}

interface Autocannon {
  (options: AutocannonOptions, done: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  (options: AutocannonOptions): Promise<autocannon.Result>;
}

export const runAutocannon = autocannon as unknown as Autocannon;
