// Errors for Arrow data that a user hands us (a file picker, a FileAttachment, a CLI path). Each carries a code a
// caller can switch on and a message that names the problem and says what to do next.

export type ArrowDataErrorCode =
  | "empty" // zero bytes
  | "not-arrow" // no Arrow IPC magic: Parquet, CSV, JSON, an HTML error page...
  | "truncated" // Arrow magic at the start, but the end is missing
  | "corrupt" // framing looks right, but apache-arrow cannot decode it
  | "unknown-schema" // a valid Arrow table that is not the glassbox table asked for
  | "newer-version" // a glassbox table written by a newer schema version
  | "too-large" // over the caller's byte limit, refused before reading it into memory
  | "fetch"; // a Response that is not ok

export class ArrowDataError extends Error {
  override name = "ArrowDataError";
  constructor(
    readonly code: ArrowDataErrorCode,
    message: string
  ) {
    super(message);
  }
}
