// Deep links: an input bound to the URL takes its starting value from `?<name>=<value>` and writes its value back
// on every change, so "this notebook, q4_0, cache off" is a link (`quant.html?quant=q4_0&cache=off`). A value the
// input cannot take shows `invalid <name>: <value>` on the page and the input keeps its default. A parameter that was
// renamed keeps its old name as an alias, read but never written, so old links still open the same view.
import {showNotice} from "./notices.ts";

/** Anything with a value that emits "input" events: every Observable Input. */
export interface ValueInput<T> extends EventTarget {
  value: T;
}

export interface UrlCodec<T> {
  /** text -> value; throws for text that names no value */
  parse: (text: string) => T;
  /** value -> text; parse(format(v)) equals v */
  format: (value: T) => string;
}

const BOOLEAN_TEXT: Record<string, boolean> = {on: true, off: false, true: true, false: false, "1": true, "0": false};

/** The codec for the type of an input's default value: booleans read on/off, numbers must be finite. */
export function defaultCodec<T>(value: T): UrlCodec<T> {
  switch (typeof value) {
    case "boolean":
      return {
        parse: (text) => {
          if (!(text in BOOLEAN_TEXT)) throw new Error(`not on or off`);
          return BOOLEAN_TEXT[text] as T;
        },
        format: (v) => (v ? "on" : "off")
      };
    case "number":
      return {
        parse: (text) => {
          const n = text.trim() === "" ? NaN : Number(text);
          if (!Number.isFinite(n)) throw new Error("not a number");
          return n as T;
        },
        format: String
      };
    case "string":
      return {parse: (text) => text as T, format: String};
    default:
      throw new Error(`bindUrl needs {parse, format} for a ${value === null ? "null" : typeof value} value`);
  }
}

/**
 * Binds `input` to the URL parameter `name` and returns the input, so a cell writes
 * `const quant = view(bindUrl("quant", Inputs.select(["f32", "q8_0", "q4_0"], {label: "weights"})))`.
 * `name` may be `[name, ...aliases]`: the first of them in the URL is read, and only `name` is written.
 * The value in the URL is accepted only when the input takes it unchanged (a select option, a number within the
 * range); parameters equal to the default are left out of the URL.
 */
export function bindUrl<T, I extends ValueInput<T>>(
  names: string | readonly [string, ...string[]],
  input: I,
  codec: UrlCodec<T> = defaultCodec(input.value)
): I {
  const [name, ...aliases] = typeof names === "string" ? [names] : names;
  const fallback = input.value;
  const params = new URLSearchParams(location.search);
  const given = [name, ...aliases].find((n) => params.has(n));
  const text = given === undefined ? null : params.get(given)!;
  const refused = text !== null && !accepts(input, codec, text);
  if (refused) {
    input.value = fallback;
    showNotice(`invalid ${given}: ${text}`);
  }
  const write = () => {
    const value = codec.format(input.value);
    writeParam(name, aliases, value === codec.format(fallback) ? null : value);
  };
  if (refused || (given !== undefined && given !== name)) write(); // a refused value leaves the URL; an alias is renamed
  input.addEventListener("input", write);
  return input;
}

function accepts<T>(input: ValueInput<T>, codec: UrlCodec<T>, text: string): boolean {
  try {
    const value = codec.parse(text);
    input.value = value;
    return codec.format(input.value) === codec.format(value);
  } catch {
    return false;
  }
}

function writeParam(name: string, aliases: string[], value: string | null): void {
  const url = new URL(location.href);
  for (const alias of aliases) url.searchParams.delete(alias);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  if (url.href !== location.href) history.replaceState(history.state, "", url);
}
