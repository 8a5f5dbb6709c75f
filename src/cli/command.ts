// What a subcommand is. To add one: write src/cli/commands/<name>.ts exporting a Command, and list it in
// src/cli/commands/index.ts. Commands that run a model set `modelOptions: true` and get MODEL_OPTIONS parsed and
// normalized for them (toModelOptions), plus their own `options`.
import type {OptionSpec, RawOptions} from "./options.ts";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  /** one line for the command list */
  summary: string;
  /** whether the shared model options apply */
  modelOptions: boolean;
  /** shared model options this command has no use for: refused (never silently ignored) and not in --help */
  unusedModelOptions?: string[];
  /** options of this command besides the shared ones */
  options: OptionSpec[];
  /** the one bare argument this command takes, stored as this option (serve [dir] is --dir), if any */
  positional?: string;
  /** returns the exit code (0 when void) */
  run(raw: RawOptions, io: Io): Promise<number | void>;
}
