// llama.cpp's tokenizer test vectors (tests/test-tokenizer-0): a `.inp` file holds the test strings, each followed
// by a line `__ggml_vocab_test__`; the `.out` file has one line of space-separated ids per string.

const SEPARATOR = "\n__ggml_vocab_test__\n";

/** The test strings of a `.inp` text, split as test-tokenizer-0 reads them. */
export function parseVocabTestInput(text: string): string[] {
  const cases: string[] = [];
  for (let pos = 0; pos < text.length;) {
    const next = text.indexOf(SEPARATOR, pos);
    if (next < 0) {
      cases.push(text.slice(pos));
      break;
    }
    cases.push(text.slice(pos, next));
    pos = next + SEPARATOR.length;
  }
  return cases;
}

/** The expected ids of a `.out` text, one list per line (trimmed; an empty line is no tokens). */
export function parseVocabTestOutput(text: string): number[][] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => {
    const t = line.trim();
    return t === "" ? [] : t.split(" ").map(Number);
  });
}

/** One line of ids, as the `.out` files write them. */
export function formatIds(ids: readonly number[]): string {
  return ids.map((id) => ` ${id}`).join("");
}
