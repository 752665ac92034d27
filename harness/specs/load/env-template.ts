// `${NAME}` in request headers and bodies is taken from the harness's environment when requests are sent,
// so secrets (tokens) stay out of scenario files, journals and reports: those keep the `${NAME}` text.

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names of the environment variables a text refers to. */
export function envReferences(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((m) => m[1]!);
}

/** The text with every `${NAME}` replaced by its value; names were checked at validation. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(REFERENCE, (_, name: string) => env[name] ?? "");
}
