// The `arima` package (ctsa compiled to WebAssembly) with its C library's printf silenced: its own entry
// point starts the module with stdout as the C library's output, so AutoARIMA's search would print lines
// such as "non-stationary AR part" into the run's output. Its files are loaded by path, as its index.js
// does, with `print` and `printErr` given: the package's `exports` map names no other entry point.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type ARIMAConstructor from "arima";

const require = createRequire(import.meta.url);
const root = dirname(require.resolve("arima"));
const quiet = (): void => undefined;
const wasmModule = (require(join(root, "wasm", "native-sync.js")) as (o: object) => unknown)({
  wasmBinary: require(join(root, "wrapper", "native.bin.js")) as unknown,
  print: quiet,
  printErr: quiet,
});

export const ARIMA = (require(join(root, "load.js")) as (m: unknown) => typeof ARIMAConstructor)(wasmModule);
