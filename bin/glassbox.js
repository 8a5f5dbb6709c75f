#!/usr/bin/env node
// The `glassbox` command: registers tsx so Node 20 can load the TypeScript sources, then runs the CLI.
import {register} from "tsx/esm/api";

register();
const {main} = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
