import {existsSync, readFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, it} from "vitest";

/** The reference data lives beside the repo, never in it: ../shared/fixtures. */
export const SHARED_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/fixtures");

export function fixturePath(...parts: string[]): string {
  return resolve(SHARED_FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(...parts)));
}

export function readFixtureF32(...parts: string[]): Float32Array {
  const bytes = readFixture(...parts);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

export function readFixtureJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), "utf8")) as T;
}

/**
 * describe() for suites that read ../shared fixtures. When the folder is missing: under CI=true the suite fails
 * (CI must never pass by skipping); elsewhere (a user's clone) it is skipped with a visible notice.
 */
export function describeWithFixtures(folder: string, name: string, body: () => void): void {
  const path = fixturePath(folder);
  if (existsSync(path)) {
    describe(name, body);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it(`needs fixtures at ${path}`, () => {
        throw new Error(`missing fixtures: ${path} (CI=true requires ../shared/fixtures beside the repo)`);
      });
    });
  } else {
    console.warn(`[glassbox] skipped "${name}": fixtures not found at ${path}`);
    describe.skip(name, body);
  }
}
