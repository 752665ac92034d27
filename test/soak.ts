// `npm run soak` runs the same tests as `npm test` with larger counts (vitest project "soak").
export const SOAK = process.env.STEADYSTATE_SOAK === "1";

/** The count for this run: `ci` under `npm test`, `soak` under `npm run soak`. */
export const scaled = (ci: number, soak: number): number => (SOAK ? soak : ci);
