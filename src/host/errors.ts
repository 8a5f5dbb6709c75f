// Errors crossing the host boundary: the engine's message comes back unchanged; a cancelled request rejects with
// an AbortError (a DOMException, like fetch) that a UI can recognise with isAbortError and ignore.
import type {WireError} from "./protocol.ts";

export function abortError(message: string): DOMException {
  return new DOMException(message, "AbortError");
}

/** True for the rejection of a cancelled request: a UI shows nothing for it. */
export function isAbortError(error: unknown): boolean {
  return (error as {name?: unknown} | null)?.name === "AbortError";
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error || error instanceof DOMException) return {name: error.name, message: error.message};
  return {name: "Error", message: String(error)};
}

export function fromWireError({name, message}: WireError): Error {
  if (name === "AbortError") return abortError(message);
  const error = new Error(message);
  if (name !== "Error") error.name = name;
  return error;
}
