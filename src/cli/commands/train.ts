// glassbox train [--steps N] [--out DIR]
// Reproduces the default model from its recipe (src/train/recipe.ts): generates the story corpus, learns the BPE,
// trains (about 15 minutes on one core), and writes DIR/<name>.bin, .tokenizer.bin and .card.json. The report goes to
// stdout, the progress line to stderr. Same bytes on every run on Node 20.
import {DEFAULT_RECIPE} from "../../train/recipe.ts";
import {runTraining} from "../../train/run.node.ts";
import type {Command} from "../command.ts";
import {toInt} from "../options.ts";

export const trainCommand: Command = {
  name: "train",
  summary: "reproduce the default model from its seed: story corpus, BPE tokenizer, training, model card",
  modelOptions: false,
  options: [
    {
      name: "steps",
      type: "int",
      arg: "N",
      help: `optimizer steps (default ${DEFAULT_RECIPE.train.steps}; fewer for a quick try)`
    },
    {name: "out", type: "string", arg: "DIR", help: "folder for the checkpoint, tokenizer and card (default models)"}
  ],
  async run(raw, io) {
    const steps = toInt(raw, "steps", {min: 1});
    const out = typeof raw.out === "string" ? raw.out : undefined;
    await runTraining(
      {...(steps === undefined ? {} : {steps}), ...(out === undefined ? {} : {out})},
      {line: (text) => io.out(`${text}\n`), progress: (text, milestone) => milestone && io.err(`${text}\n`)}
    );
  }
};
