// `npm run soak` sets STEADYSTATE_SOAK=1 and runs the fuzzing and kill test files, in their usual vitest
// projects, with larger counts.
export const SOAK = process.env.STEADYSTATE_SOAK === "1";

/** The count for this run: `ci` under `npm test`, `soak` under `npm run soak`. */
export const scaled = (ci: number, soak: number): number => (SOAK ? soak : ci);
