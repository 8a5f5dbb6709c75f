import {defineConfig} from "vitest/config";

// Unit and integration suites (Node, jsdom for viz). Browser suites have their own config.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    env: {TZ: "UTC"}
  }
});
