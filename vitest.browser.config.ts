import {defineConfig} from "vitest/config";

// Browser suites: Node drives headless Chromium (playwright-core + /usr/bin/chromium). One file at a time, one worker:
// Chromium and the Vite servers already use both cores. The global setup starts a dev server and builds the site once.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/browser/helpers/global-setup.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: {TZ: "UTC"}
  }
});
