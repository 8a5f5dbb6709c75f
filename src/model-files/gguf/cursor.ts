// A forward-only reader over a ByteSource for the header part of a GGUF file. It keeps one window of the file in
// memory (1 MiB, or one larger value) and reads the next window when a value needs bytes past it; every read is
// first checked against the file's end, so a truncated file is an error at the field that runs past it.
import type {FileBudget} from "./budget.ts";
import {GgufError} from "./errors.ts";
import type {ByteSource} from "./source.ts";

const WINDOW = 1 << 20;

export class Cursor {
  /** absolute file offset of the next byte */
  pos = 0;
  private window: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.window.buffer);
  private windowStart = 0;

  constructor(
    private readonly source: ByteSource,
    readonly budget: FileBudget
  ) {}

  get remaining(): number {
    return this.source.size - this.pos;
  }

  /** Whether the next `n` bytes are in the window already (no need() needed). */
  has(n: number): boolean {
    return this.pos + n <= this.windowStart + this.window.byteLength;
  }

  /** Makes the next `n` bytes readable; `subject` names what they are for the error if the file ends first. */
  async need(n: number, subject: string): Promise<void> {
    if (n > this.remaining)
      throw new GgufError(
        this.source.name,
        this.pos,
        subject,
        `needs ${n} bytes but the file ends after ${this.remaining}; the file is truncated`
      );
    if (this.has(n)) return;
    const length = Math.min(this.remaining, Math.max(n, WINDOW));
    this.budget.claim(length, subject, this.pos);
    this.window = await this.source.read(this.pos, length);
    this.view = new DataView(this.window.buffer, this.window.byteOffset, this.window.byteLength);
    this.windowStart = this.pos;
  }

  private at(size: number): number {
    const i = this.pos - this.windowStart;
    this.pos += size;
    return i;
  }

  u8 = () => this.view.getUint8(this.at(1));
  i8 = () => this.view.getInt8(this.at(1));
  u16 = () => this.view.getUint16(this.at(2), true);
  i16 = () => this.view.getInt16(this.at(2), true);
  u32 = () => this.view.getUint32(this.at(4), true);
  i32 = () => this.view.getInt32(this.at(4), true);
  u64 = () => this.view.getBigUint64(this.at(8), true);
  i64 = () => this.view.getBigInt64(this.at(8), true);
  f32 = () => this.view.getFloat32(this.at(4), true);
  f64 = () => this.view.getFloat64(this.at(8), true);

  /** The next n bytes as a view into the window (valid until the next need()). */
  bytes(n: number): Uint8Array {
    const i = this.at(n);
    return this.window.subarray(i, i + n);
  }
}
