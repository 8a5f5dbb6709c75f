// safetensors files (Hugging Face's weight format), read by ranges: a u64 little-endian header length N, N bytes of
// JSON (`{"__metadata__": {...}, "<name>": {"dtype", "shape", "data_offsets": [begin, end]}, ...}`, offsets relative to
// the data that follows), then the data. The header is checked as Hugging Face's `safetensors` library checks it
// before anything is allocated from it: its length against the file, the JSON, every tensor's dtype, shape and
// offsets, and the offsets contiguous from 0, covering the data exactly (no gaps, no overlaps). Tensor bytes stay in
// their dtype (F32, F16, BF16: the ggml type names decode them); other dtypes are refused by name.
import {ModelFileError} from "../errors.ts";
import {FileBudget, type AllocationWatch} from "../gguf/budget.ts";
import type {ByteSource} from "../gguf/source.ts";

export class SafetensorsError extends ModelFileError {
  override readonly name = "SafetensorsError";
}

/** dtype -> bytes per element: the dtypes a llama or qwen2 checkpoint uses */
export const SAFETENSORS_DTYPES: Readonly<Record<string, number>> = {F32: 4, F16: 2, BF16: 2};

/** The safetensors library's limit on the header (100 MB): a larger length is a corrupt file, not a model. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensor {
  name: string;
  /** F32 | F16 | BF16 */
  dtype: string;
  /** row-major, outermost first ([out, in] for a matrix) */
  shape: number[];
  count: number;
  /** absolute byte offset of the data in the file */
  fileOffset: number;
  /** bytes */
  size: number;
}

export interface SafetensorsFile {
  file: string;
  /** the header's `__metadata__` (string values), empty when absent */
  metadata: Record<string, string>;
  /** in data order */
  tensors: SafetensorsTensor[];
  tensor(name: string): SafetensorsTensor | undefined;
}

export interface ReadSafetensorsOptions {
  /** sees every allocation made from a size the file declares (tests assert none exceeds the file) */
  onAllocate?: AllocationWatch;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Reads and checks the header of a safetensors file; no tensor data is read. */
export async function readSafetensors(
  source: ByteSource,
  options: ReadSafetensorsOptions = {}
): Promise<SafetensorsFile> {
  const file = source.name;
  const fail = (offset: number | undefined, subject: string, problem: string) =>
    new SafetensorsError(file, offset, subject, problem);
  if (source.size < 8)
    throw fail(0, "header length", `needs 8 bytes but the file has ${source.size}; it is not a safetensors file`);
  const lengthBytes = await source.read(0, 8);
  const length = Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
  if (length > source.size - 8 || length > MAX_HEADER_BYTES)
    throw fail(
      0,
      "header length",
      `is ${length} bytes, more than the ${source.size - 8} bytes after it${length > MAX_HEADER_BYTES ? " (and over the 100 MB limit)" : ""}: the file is truncated or not a safetensors file`
    );
  const budget = new FileBudget(file, source.size, options.onAllocate, SafetensorsError);
  budget.claim(length, "header", 8);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(await source.read(8, length)));
  } catch (error) {
    throw fail(8, "header", `is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (!isObject(header)) throw fail(8, "header", "is not a JSON object of tensors");
  const dataStart = 8 + length;
  const dataSize = source.size - dataStart;

  let metadata: Record<string, string> = {};
  const tensors: SafetensorsTensor[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isObject(entry) || !Object.values(entry).every((v) => typeof v === "string"))
        throw fail(8, `"__metadata__"`, "must be an object of strings");
      metadata = entry as Record<string, string>;
      continue;
    }
    const subject = `tensor "${name}"`;
    if (!isObject(entry)) throw fail(8, subject, "is not an object with dtype, shape and data_offsets");
    const {dtype, shape, data_offsets: offsets} = entry;
    if (typeof dtype !== "string") throw fail(8, subject, "has no dtype");
    const width = SAFETENSORS_DTYPES[dtype];
    if (width === undefined)
      throw fail(
        8,
        subject,
        `has dtype ${dtype}; only ${Object.keys(SAFETENSORS_DTYPES).join(", ")} weights load here (a quantized checkpoint needs converting first)`
      );
    if (!Array.isArray(shape) || !shape.every(isCount) || shape.length > 4)
      throw fail(8, subject, `has shape ${JSON.stringify(shape)}; expected up to 4 non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
      throw fail(8, subject, `has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with begin <= end`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (!Number.isSafeInteger(count * width) || count * width !== end - begin)
      throw fail(
        8,
        subject,
        `has shape [${shape.join(", ")}] of ${dtype} (${count * width} bytes) but data_offsets span ${end - begin} bytes`
      );
    if (end > dataSize)
      throw fail(
        dataStart + begin,
        subject,
        `ends at data byte ${end}, past the ${dataSize} bytes of data: the file is truncated`
      );
    tensors.push({name, dtype, shape: shape as number[], count, fileOffset: dataStart + begin, size: end - begin});
  }
  tensors.sort((a, b) => a.fileOffset - b.fileOffset || a.size - b.size);
  let next = dataStart;
  for (const t of tensors) {
    if (t.fileOffset !== next)
      throw fail(
        t.fileOffset,
        `tensor "${t.name}"`,
        t.fileOffset < next
          ? `overlaps the tensor before it (which ends at byte ${next})`
          : `starts at byte ${t.fileOffset}, leaving a gap after byte ${next}; the data must be contiguous`
      );
    next = t.fileOffset + t.size;
  }
  if (next !== source.size)
    throw fail(next, "data", `the tensors end at byte ${next} but the file has ${source.size} bytes`);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  return {file, metadata, tensors, tensor: (name) => byName.get(name)};
}

/** One tensor's bytes, as stored (read by its own range). */
export async function readSafetensorsBytes(
  source: ByteSource,
  tensor: SafetensorsTensor,
  options: ReadSafetensorsOptions = {}
): Promise<Uint8Array> {
  if (tensor.fileOffset + tensor.size > source.size)
    throw new SafetensorsError(
      source.name,
      tensor.fileOffset,
      `tensor "${tensor.name}"`,
      "lies past the end of this source; is it the same file?"
    );
  new FileBudget(source.name, source.size, options.onAllocate, SafetensorsError).claim(
    tensor.size,
    `tensor "${tensor.name}"`,
    tensor.fileOffset
  );
  return source.read(tensor.fileOffset, tensor.size);
}
