// Where a model file's bytes come from: anything that can read a range. The readers never ask for the whole file,
// so a multi-gigabyte File in the browser or a path in Node is read piece by piece and never copied whole.

export interface ByteSource {
  /** total bytes */
  readonly size: number;
  /** for messages: a file name or path */
  readonly name: string;
  /** exactly `length` bytes from `offset` (the caller keeps offset + length ≤ size) */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Bytes already in memory (tests, fetched files); reads are views, not copies. */
export function bytesSource(bytes: Uint8Array, name = "bytes"): ByteSource {
  return {
    size: bytes.byteLength,
    name,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length))
  };
}

/** A Blob or File in the browser (the user's own file, read in ranges through Blob.slice). */
export function blobSource(blob: Blob, name = (blob as Partial<File>).name ?? "blob"): ByteSource {
  return {
    size: blob.size,
    name,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer())
  };
}
