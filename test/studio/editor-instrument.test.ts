import {describe, expect, it} from "vitest";
import {instrumentBody} from "../../src/studio/editor/instrument.ts";
import {LoopBudgetExceeded, loopGuard} from "../../src/studio/editor/loop-guard.ts";

/** Runs an instrumented body with a guard on a fake clock that advances `tick` ms per read. */
function run(body: string, budgetMs: number, tick: number, imports: (s: string) => unknown = () => ({})) {
  let now = 0;
  const guard = loopGuard(budgetMs, () => (now += tick));
  const make = new Function("__import", "__loop", `return (${instrumentBody(body)});`);
  return make(imports, guard)();
}

describe("instrumentBody(body)", () => {
  it("instrumentBody(body) guards every kind of loop and renames import()", () => {
    const out = instrumentBody(
      'async () => {\nfor (;;) break;\nwhile (a) { b(); }\ndo c(); while (d)\nfor (const k of e) for (const j in f) {}\nawait import("x");\n}'
    );
    expect(out).toBe(
      'async () => {\nfor (;;) {__loop();break;}\nwhile (a) {__loop(); b(); }\ndo {__loop();c();} while (d)\nfor (const k of e) {__loop();for (const j in f) {__loop();}}\nawait __import("x");\n}'
    );
  });

  it("a guarded loop that runs past the budget throws LoopBudgetExceeded; a short one finishes", () => {
    expect(() => run("() => { while (true) {} }", 1000, 1)).toThrow(LoopBudgetExceeded);
    expect(() => run("() => { while (true) {} }", 1000, 1)).toThrow(/a loop ran for more than 1 s/);
    expect(run("() => { let n = 0; for (let i = 0; i < 100000; i++) n += i; return n; }", 1e9, 1)).toBe(4999950000);
  });

  it("a loop inside a try/catch inside another loop still stops", () => {
    expect(() => run("() => { for (;;) { try { while (true) {} } catch {} } }", 1000, 1)).toThrow(LoopBudgetExceeded);
  });

  it("rewritten imports go to the resolver the cell is given", async () => {
    const seen: string[] = [];
    const value = await run('async () => (await import("../src/x.ts")).answer', 1000, 1, (s) => {
      seen.push(s);
      return Promise.resolve({answer: 42});
    });
    expect([value, seen]).toEqual([42, ["../src/x.ts"]]);
  });
});
