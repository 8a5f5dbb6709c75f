// What edited code goes through after notebook-kit's transpile(): the cell body (the source text of a function,
// `async (d3, x) => {...}`) gets a time-budget check at the top of every loop body (`__loop()`, see loop-guard.ts),
// and every dynamic `import(...)` becomes `__import(...)`, resolved from the page's module registry (see
// live-imports.ts): code made with `new Function` would otherwise resolve imports relative to the editor module.
import {parse, type Node} from "acorn";
import {simple} from "acorn-walk";

export const LOOP_GUARD_NAME = "__loop";
export const IMPORT_NAME = "__import";

/** Text to put at `at` in the body, replacing `remove` characters there. */
interface Edit {
  at: number;
  text: string;
  remove: number;
}

type LoopNode = Node & {body: Node};

const LOOPS = ["ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement", "DoWhileStatement"] as const;

/** Returns `body` with every loop guarded and every `import(` renamed; `body` must be a function expression. */
export function instrumentBody(body: string): string {
  // Parse as an expression: the body is an (async) arrow or function expression. Offsets shift by the "(".
  const program = parse(`(${body})`, {ecmaVersion: "latest", sourceType: "module"});
  const edits: Edit[] = [];
  const guard = `${LOOP_GUARD_NAME}();`;
  const visitors: Record<string, (node: Node) => void> = {
    ImportExpression: (node) => edits.push({at: node.start - 1, text: IMPORT_NAME, remove: "import".length})
  };
  for (const type of LOOPS) {
    visitors[type] = (node) => {
      const {body: loopBody} = node as LoopNode;
      if (loopBody.type === "BlockStatement") edits.push({at: loopBody.start, text: guard, remove: 0});
      else {
        edits.push({at: loopBody.start - 1, text: `{${guard}`, remove: 0});
        edits.push({at: loopBody.end - 1, text: "}", remove: 0});
      }
    };
  }
  simple(program, visitors);
  let out = body;
  for (const {at, text, remove} of edits.sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + text + out.slice(at + remove);
  }
  return out;
}
