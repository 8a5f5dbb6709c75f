// `npm run train`: reproduces the committed default model from its recipe (src/train/recipe.ts); see
// src/train/run.node.ts. Options: --steps N (a shorter run, for trying things), --out DIR (default models).
import {DEFAULT_RECIPE} from "../src/train/recipe.ts";
import {runTraining} from "../src/train/run.node.ts";

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

const tty = process.stdout.isTTY;
await runTraining(
  {steps: Number(option("steps", String(DEFAULT_RECIPE.train.steps))), out: option("out", "models")},
  {
    line: (text) => console.log(tty ? `\n${text}` : text),
    progress: (text, milestone) => (tty ? process.stdout.write(`\r${text}`) : milestone && console.log(text))
  }
);
