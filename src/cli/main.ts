// glassbox <command> [options]: finds the command, parses its options, runs it; errors become one line on stderr.
import type {Command, Io} from "./command.ts";
import {commands} from "./commands/index.ts";
import {MODEL_OPTIONS, parseArgs, usage} from "./options.ts";

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text)
};

/**
 * A reader that stops early (`glassbox generate | head -c 5`) closes the pipe: the command has nobody to tell, so it
 * stops quietly with status 0, as it would had the reader read to the end.
 */
function stopOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
}

export const optionsOf = (command: Command) => [
  ...(command.modelOptions ? MODEL_OPTIONS.filter((o) => !command.unusedModelOptions?.includes(o.name)) : []),
  ...command.options
];

/** A shared option the command does not use is named as such, not as an unknown flag. */
function refuseUnused(command: Command, argv: string[]): void {
  const unused = command.unusedModelOptions?.find((name) =>
    argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
  );
  if (unused !== undefined)
    throw new Error(`invalid option: --${unused} (glassbox ${command.name} does not use it; see --help)`);
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `usage: glassbox <command> [options]\n\ncommands:\n${list}\n\nglassbox <command> --help lists its options\n`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (io === processIo) {
    stopOnClosedPipe(process.stdout);
    stopOnClosedPipe(process.stderr);
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "help") {
    io.out(help());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`glassbox: invalid command: ${name}\n\n${help()}`);
    return 2;
  }
  if (rest.includes("--help")) {
    const bare = command.positional ? ` [${command.positional}]` : "";
    io.out(
      `usage: glassbox ${command.name}${bare} [options]\n${command.summary}\n\noptions:\n${usage(optionsOf(command))}\n`
    );
    return 0;
  }
  try {
    refuseUnused(command, rest);
    return (await command.run(parseArgs(rest, optionsOf(command), command.positional), io)) ?? 0;
  } catch (error) {
    io.err(`glassbox ${command.name}: ${(error as Error).message}\n`);
    return 1;
  }
}
