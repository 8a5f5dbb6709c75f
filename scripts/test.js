#!/usr/bin/env node
// `npm test`: every check, one after another, each suite's time printed, then one closing line
// "N passed, N failed" (plus skipped). Under CI=true a skipped test is a failure: CI must never pass by skipping.
import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, readFileSync, rmSync} from "node:fs";

const results = "build/test-results";
rmSync(results, {recursive: true, force: true});
mkdirSync(results, {recursive: true});

const vitest = (name, config) => ({
  name,
  command: [
    "node_modules/.bin/vitest",
    "run",
    ...(config ? ["--config", config] : []),
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${results}/${name}.json`
  ],
  report: `${results}/${name}.json`
});

const suites = [
  {name: "generate", command: ["npm", "run", "--silent", "generate"]},
  {name: "types", command: ["node_modules/.bin/tsc", "--noEmit"]},
  {name: "lint", command: ["node_modules/.bin/eslint", "."]},
  {name: "format", command: ["node_modules/.bin/prettier", "--check", "--log-level", "warn", "."]},
  vitest("unit"),
  {...vitest("browser", "vitest.browser.config.ts"), optional: "vitest.browser.config.ts"},
  {name: "bench:quick", command: ["node_modules/.bin/tsx", "scripts/bench.ts", "--quick"], optional: "scripts/bench.ts"}
].filter((s) => !s.optional || existsSync(s.optional));

const only = process.argv.slice(2);
const rows = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  console.log(`\n── ${suite.name} ──  ${suite.command.join(" ")}`);
  const start = performance.now();
  const run = spawnSync(suite.command[0], suite.command.slice(1), {stdio: "inherit", env: process.env});
  const seconds = (performance.now() - start) / 1000;
  let passed = run.status === 0 ? 1 : 0;
  let failed = run.status === 0 ? 0 : 1;
  let skipped = 0;
  if (suite.report && existsSync(suite.report)) {
    const json = JSON.parse(readFileSync(suite.report, "utf8"));
    passed = json.numPassedTests;
    failed = json.numFailedTests + (run.status === 0 ? 0 : json.numFailedTests === 0 ? 1 : 0);
    skipped = json.numPendingTests + json.numTodoTests;
  }
  rows.push({suite: suite.name, seconds, passed, failed, skipped, status: run.status});
}

console.log("\n── summary ──");
console.log("suite         seconds   passed  failed  skipped");
for (const r of rows) {
  console.log(
    `${r.suite.padEnd(12)} ${r.seconds.toFixed(1).padStart(8)} ${String(r.passed).padStart(8)} ${String(r.failed).padStart(7)} ${String(r.skipped).padStart(8)}`
  );
}
const total = (k) => rows.reduce((s, r) => s + r[k], 0);
const ci = process.env.CI === "true";
let failed = total("failed");
if (ci && total("skipped") > 0) {
  console.log(`CI=true: ${total("skipped")} skipped test(s) count as failures`);
  failed += total("skipped");
}
console.log(`\n${total("passed")} passed, ${failed} failed, ${total("skipped")} skipped`);
process.exit(failed > 0 || rows.some((r) => r.status !== 0) ? 1 : 0);
