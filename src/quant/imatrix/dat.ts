// llama-imatrix's `.dat` file (llama.cpp c392e5094, examples/imatrix/imatrix.cpp save_imatrix / load_imatrix, read by
// examples/quantize/quantize.cpp load_imatrix). All integers are little-endian int32, values float32:
//   n_entries
//   n_entries × { name_len, name bytes (a ggml tensor name, e.g. "blk.0.attn_q.weight"), ncall, nval,
//                 nval values: (Σx²_j / count_j)·ncall, the mean square of input column j times the calls }
//   last_call, dataset_len, dataset bytes   (the trailer; older files end after the entries)
// llama-quantize divides each value by its entry's ncall (when ncall > 0) to get the importance of column j; so
// importanceOf() does, in float32 as C does. Every count is checked against the bytes left before anything is
// allocated, so a truncated or absurd file is refused with the offset of the field at fault.
import {ModelFileError} from "../../model-files/errors.ts";

export interface ImatrixEntry {
  /** the ggml tensor name, as llama-quantize looks it up ("blk.<i>.ffn_down.weight") */
  readonly name: string;
  /** the number of calls (chunks) the entry was collected over */
  readonly ncall: number;
  /** (nval,) the stored values: mean square of each input column × ncall */
  readonly values: Float32Array;
}

export interface ImatrixFile {
  readonly entries: readonly ImatrixEntry[];
  /** the trailer's call count (llama-imatrix's m_last_call); 0 for a file without the trailer */
  readonly lastCall: number;
  /** the trailer's text file name the matrix was computed on; "" for none */
  readonly dataset: string;
}

/** The importance llama-quantize passes to the quantizer for this entry: each value / ncall (float32). */
export function importanceOf(entry: ImatrixEntry): Float32Array {
  if (entry.ncall <= 0) return entry.values.slice();
  return entry.values.map((v) => Math.fround(v / entry.ncall));
}

/** Every entry's importance by tensor name: what llama-quantize's load_imatrix hands the quantizer. */
export function imatrixImportance(file: ImatrixFile): Map<string, Float32Array> {
  return new Map(file.entries.map((e) => [e.name, importanceOf(e)]));
}

const utf8 = new TextDecoder("utf-8", {fatal: true});

/** Reads a `.dat` file; `file` names it in the errors. */
export function readImatrix(bytes: Uint8Array, file: string): ImatrixFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const fail = (offset: number | undefined, subject: string, problem: string): never => {
    throw new ModelFileError(file, offset, subject, problem);
  };
  const int32 = (subject: string): number => {
    if (at + 4 > bytes.byteLength)
      fail(at, subject, `the file ends after ${bytes.byteLength} bytes (truncated: write it again with llama-imatrix)`);
    const v = view.getInt32(at, true);
    at += 4;
    return v;
  };
  const text = (subject: string, len: number): string => {
    const start = at - 4;
    if (len < 0) fail(start, subject, `length ${len} is negative (not an imatrix file?)`);
    if (len > bytes.byteLength - at)
      fail(start, subject, `length ${len} runs past the end of the file (${bytes.byteLength - at} bytes left)`);
    try {
      return utf8.decode(bytes.subarray(at, (at += len)));
    } catch {
      return fail(start + 4, subject, "is not UTF-8 text");
    }
  };

  const nEntries = int32("the entry count");
  // an entry is at least 16 bytes (name length, ncall, nval, one value)
  if (nEntries < 1 || nEntries > (bytes.byteLength - 4) / 16)
    fail(0, "the entry count", `${nEntries} entries cannot fit in ${bytes.byteLength} bytes (not an imatrix file?)`);
  const entries: ImatrixEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < nEntries; i++) {
    const subject = `entry ${i + 1} of ${nEntries}`;
    const name = text(`the name of ${subject}`, int32(`the name length of ${subject}`));
    if (seen.has(name)) fail(at, `entry "${name}"`, "appears twice (one entry per tensor)");
    seen.add(name);
    const ncall = int32(`the call count of "${name}"`);
    if (ncall < 0) fail(at - 4, `the call count of "${name}"`, `${ncall} is negative`);
    const nvalAt = at;
    const nval = int32(`the value count of "${name}"`);
    if (nval < 1 || nval > (bytes.byteLength - at) / 4)
      fail(
        nvalAt,
        `the value count of "${name}"`,
        `${nval} values do not fit in the ${bytes.byteLength - at} bytes left`
      );
    const values = new Float32Array(nval);
    for (let j = 0; j < nval; j++, at += 4) values[j] = view.getFloat32(at, true);
    const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0);
    if (bad >= 0)
      fail(nvalAt + 4 + 4 * bad, `value ${bad} of "${name}"`, `${values[bad]} is not a finite sum of squares ≥ 0`);
    entries.push({name, ncall, values});
  }
  let lastCall = 0;
  let dataset = "";
  if (at < bytes.byteLength) {
    lastCall = int32("the trailer's call count");
    dataset = text("the trailer's dataset name", int32("the trailer's dataset name length"));
    if (at < bytes.byteLength) fail(at, "the end of the file", `${bytes.byteLength - at} bytes after the dataset name`);
  }
  return {entries, lastCall, dataset};
}

/** Writes a `.dat` file as llama-imatrix's save_imatrix does (with the trailer). */
export function writeImatrix(file: ImatrixFile): Uint8Array {
  const encoder = new TextEncoder();
  const names = file.entries.map((e) => encoder.encode(e.name));
  const dataset = encoder.encode(file.dataset);
  let size = 4 + 8 + dataset.byteLength;
  file.entries.forEach((e, i) => (size += 12 + names[i]!.byteLength + 4 * e.values.length));
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const int32 = (v: number) => {
    view.setInt32(at, v, true);
    at += 4;
  };
  int32(file.entries.length);
  file.entries.forEach((e, i) => {
    int32(names[i]!.byteLength);
    bytes.set(names[i]!, at);
    at += names[i]!.byteLength;
    int32(e.ncall);
    int32(e.values.length);
    for (const v of e.values) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  });
  int32(file.lastCall);
  int32(dataset.byteLength);
  bytes.set(dataset, at);
  return bytes;
}
