// `npm run bench [-- --shape stories15M|stories260K|stories110M] [--model M] [--threads N] [--json] [--quick]`:
// the same run as `glassbox bench` (src/cli/commands/bench.ts). `--quick` (run by `npm test`) runs every path once at
// a tiny size and fails if any throws.
import {benchCommand} from "../src/cli/commands/bench.ts";
import {parseArgs} from "../src/cli/options.ts";

const io = {out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text)};
process.exitCode = (await benchCommand.run(parseArgs(process.argv.slice(2), benchCommand.options), io)) ?? 0;
