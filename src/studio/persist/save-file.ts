// "Save to file" in dev: POST the notebook to the dev server (vite.node.ts), which writes notebooks/<name>.html with
// notebook-kit's serialize() only if the file on disk is still the one the edits started from; otherwise it answers
// 409 with the file's current cells and the user sees both versions.
import type {Notebook} from "../notebook/cells.ts";

export const SAVE_ENDPOINT = "/__glassbox/save";

export interface SaveRequest {
  file: string;
  /** sha256 of the file text the edits started from */
  base: string;
  notebook: Notebook;
}

export type SaveResponse = {ok: true; hash: string} | {ok: false; error: string; hash?: string; notebook?: Notebook};

export async function saveToFile(request: SaveRequest): Promise<SaveResponse> {
  const response = await fetch(SAVE_ENDPOINT, {
    method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify(request)
  });
  return (await response.json()) as SaveResponse;
}
