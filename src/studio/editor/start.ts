// Starts the editor on a notebook page: the file's cells as served, or the local version the startup plan chose.
import type {DefineState} from "@observablehq/notebook-kit/runtime";
import type {PageData} from "../persist/page-data.ts";
import type {Startup} from "../persist/startup.ts";
import {showNotice} from "../notices.ts";
import {Session} from "./session.ts";
import {mountToolbar} from "./toolbar.ts";

export async function startEditor(
  page: PageData,
  startup: Startup,
  fileStates: Map<number, DefineState>
): Promise<Session> {
  const session = new Session(page);
  (window as unknown as {glassboxSession: Session}).glassboxSession = session;
  switch (startup.kind) {
    case "draft":
      mountToolbar(session);
      await session.load(startup.stored.notebook, {kind: "file"}, true, startup.stored);
      break;
    case "local":
      mountToolbar(session);
      await session.load(startup.stored.notebook, {kind: "local", id: startup.id}, true, startup.stored);
      break;
    default:
      session.adoptFile(fileStates);
      mountToolbar(session);
      if (startup.kind === "conflict") session.askAboutDraft(startup.reason, startup.stored);
      if (startup.kind === "missing-local")
        showNotice(`no local notebook ${startup.id} in this browser: showing the file`);
  }
  // Tests (and curious users) wait on this: every cell is wrapped and the chosen version is defined.
  document.body.dataset.editor = "ready";
  return session;
}
