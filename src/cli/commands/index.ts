// Every glassbox subcommand. To add one, write ./<name>.ts exporting a Command (see ../command.ts) and list it here.
import type {Command} from "../command.ts";
import {benchCommand} from "./bench.ts";
import {evalCommand} from "./eval.ts";
import {generateCommand} from "./generate.ts";
import {inspectCommand} from "./inspect.ts";
import {quantizeCommand} from "./quantize.ts";
import {serveCommand} from "./serve.ts";
import {shapeCommand} from "./shape.ts";
import {tokenizeCommand} from "./tokenize.ts";
import {trainCommand} from "./train.ts";
import {traceCommand} from "./trace.ts";

export const commands: Command[] = [
  generateCommand,
  quantizeCommand,
  evalCommand,
  serveCommand,
  traceCommand,
  benchCommand,
  trainCommand,
  tokenizeCommand,
  inspectCommand,
  shapeCommand
];
