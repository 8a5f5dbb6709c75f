// The independent Arrow reader for the data tests. On Linux x64 its native package (nodejs-polars-linux-x64-gnu, an
// optional dependency) must be installed, and a missing one FAILS the suite; elsewhere the suite is skipped, loudly.
import type pl from "nodejs-polars";
import {describe, it} from "vitest";

type Polars = typeof pl;

const loaded: Polars | Error = await import("nodejs-polars").then(
  (m) => m.default,
  (error: unknown) => (error instanceof Error ? error : new Error(String(error)))
);

export const REQUIRED_HERE = process.platform === "linux" && process.arch === "x64";

/** describe() with nodejs-polars: fails on Linux x64 when it cannot load, skips with a notice elsewhere. */
export function describeWithPolars(name: string, body: (pl: Polars) => void): void {
  if (!(loaded instanceof Error)) {
    describe(name, () => body(loaded));
  } else if (REQUIRED_HERE) {
    describe(name, () => {
      it("loads nodejs-polars (required on linux x64)", () => {
        throw new Error(
          `nodejs-polars did not load on linux x64: ${loaded.message}; run npm install so the optional ` +
            `dependency nodejs-polars-linux-x64-gnu is installed`
        );
      });
    });
  } else {
    console.warn(`[glassbox] skipped "${name}": nodejs-polars has no native build here (${loaded.message})`);
    describe.skip(name, () => body(undefined as never));
  }
}
