// PNG text chunks (iTXt, UTF-8): an exported PNG carries its alt text ("Description") and provenance as metadata any
// image tool shows. Chunks go right after IHDR, the first chunk of every PNG.

const SIGNATURE_BYTES = 8;
const IHDR_CHUNK_BYTES = 4 + 4 + 13 + 4;

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function itxtChunk(keyword: string, text: string): Uint8Array {
  const encoder = new TextEncoder();
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, text
  const data = new Uint8Array([...encoder.encode(keyword), 0, 0, 0, 0, 0, ...encoder.encode(text)]);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(encoder.encode("iTXt"), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

export function addPngText(png: Uint8Array, entries: Record<string, string>): Uint8Array<ArrayBuffer> {
  const at = SIGNATURE_BYTES + IHDR_CHUNK_BYTES;
  const chunks = Object.entries(entries).map(([k, v]) => itxtChunk(k, v));
  const out = new Uint8Array(png.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, at));
  let offset = at;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  out.set(png.subarray(at), offset);
  return out;
}

/** The iTXt entries of a PNG (for tests and for reading provenance back). */
export function readPngText(png: Uint8Array): Record<string, string> {
  const decoder = new TextDecoder();
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const entries: Record<string, string> = {};
  for (let offset = SIGNATURE_BYTES; offset + 12 <= png.length;) {
    const length = view.getUint32(offset);
    const type = decoder.decode(png.subarray(offset + 4, offset + 8));
    if (type === "iTXt") {
      const data = png.subarray(offset + 8, offset + 8 + length);
      const keyEnd = data.indexOf(0);
      let textStart = keyEnd + 3;
      textStart = data.indexOf(0, textStart) + 1; // language tag
      textStart = data.indexOf(0, textStart) + 1; // translated keyword
      entries[decoder.decode(data.subarray(0, keyEnd))] = decoder.decode(data.subarray(textStart));
    }
    offset += 12 + length;
  }
  return entries;
}
