// The one place where memory is allocated from sizes a model file (GGUF, safetensors) declares. Every count, length
// and size read from the file passes through here before anything is allocated, and nothing larger than the file
// itself can be asked for: a corrupt count fails here with the format's error (GgufError by default) instead of
// exhausting memory. Tests watch every allocation through `onAllocate`.
import type {ModelFileError} from "../errors.ts";
import {GgufError} from "./errors.ts";

/** Called with each allocation's size in bytes and what it is for. */
export type AllocationWatch = (bytes: number, what: string) => void;

type TypedArrayCtor<T> = {new (length: number): T; readonly BYTES_PER_ELEMENT: number};

export class FileBudget {
  constructor(
    readonly file: string,
    readonly fileSize: number,
    private readonly onAllocate?: AllocationWatch,
    /** the error of the file's format (safetensors uses this budget too) */
    private readonly ErrorType: typeof ModelFileError = GgufError
  ) {}

  /** Checks an allocation of `bytes` made for `subject` (read at `offset`) and reports it; returns it. */
  claim(bytes: number, subject: string, offset: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > this.fileSize)
      throw new this.ErrorType(
        this.file,
        offset,
        subject,
        `declares ${bytes} bytes, more than the whole file (${this.fileSize}); the file is corrupt or truncated`
      );
    this.onAllocate?.(bytes, subject);
    return bytes;
  }

  bytes(length: number, subject: string, offset: number): Uint8Array {
    return new Uint8Array(this.claim(length, subject, offset));
  }

  typed<T>(ctor: TypedArrayCtor<T>, count: number, subject: string, offset: number): T {
    this.claim(count * ctor.BYTES_PER_ELEMENT, subject, offset);
    return new ctor(count);
  }

  /** A JS array of `count` items (8 bytes a slot), each of which takes at least 8 bytes in the file. */
  list<T>(count: number, subject: string, offset: number): T[] {
    this.claim(count * 8, subject, offset);
    return new Array<T>(count);
  }
}
