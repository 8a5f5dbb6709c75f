// @vitest-environment jsdom
// Local storage that is full or holds something else (issue 27, items 6-7): no write throws, no edit or stored
// value is lost, and the page still starts. jsdom's localStorage enforces a quota, like a browser's.
import {beforeEach, describe, expect, it} from "vitest";
import {blankNotebook, createLocalNotebook, listLocalNotebooks} from "../../src/studio/persist/local-notebooks.ts";
import type {PageData} from "../../src/studio/persist/page-data.ts";
import {planStartup} from "../../src/studio/persist/startup.ts";
import {NotebookStore, StorageFullError, draftKey, localKey} from "../../src/studio/persist/store.ts";

const PAGE: PageData = {file: "notebooks/rounding.html", hash: "abc", notebook: blankNotebook("Rounding")};

/** Fills localStorage until setItem throws; returns the keys of the filler, so a test can free space again. */
function fillStorage(): string[] {
  const keys: string[] = [];
  for (let size = 1 << 22; size >= 1;) {
    const key = `filler:${keys.length}`;
    try {
      localStorage.setItem(key, "x".repeat(size));
      keys.push(key);
    } catch {
      size >>= 1;
    }
  }
  return keys;
}

function notices(): string[] {
  return [...document.querySelectorAll(".gb-notice")].map((notice) => notice.textContent ?? "");
}

beforeEach(() => {
  localStorage.clear();
  document.body.replaceChildren(document.createElement("main"));
});

describe("NotebookStore with a full quota", () => {
  it("write() reports a full quota instead of throwing, keeps the stored record, and works again once there is room", () => {
    const store = new NotebookStore(draftKey(PAGE.file));
    const first = store.write(blankNotebook("first"), null);
    expect(first.ok).toBe(true);
    const filler = fillStorage();
    const edit = {
      ...blankNotebook("second"),
      cells: [{id: 1, value: "y".repeat(4096), mode: "js" as const, pinned: true, hidden: false}]
    };
    expect(store.write(edit, 1)).toEqual({ok: false, reason: "full"});
    expect(store.read()?.notebook.title).toBe("first");
    for (const key of filler) localStorage.removeItem(key);
    expect(store.write(edit, 1)).toEqual({ok: true, revision: 2});
  });

  it("createLocalNotebook() throws StorageFullError (the copy a conflict keeps first), with what to do", () => {
    fillStorage();
    expect(() => createLocalNotebook({...blankNotebook("copy"), title: "z".repeat(2048)})).toThrow(StorageFullError);
    expect(() => createLocalNotebook({...blankNotebook("copy"), title: "z".repeat(2048)})).toThrow(
      /storage is full.*download the notebook/
    );
  });
});

describe("values of the wrong shape under a notebook key", () => {
  const WRONG = ["{}", '"x"', "null", "[]", "42", "{", '{"notebook":{},"revision":1,"savedAt":0,"tab":"t"}'];

  it("planStartup() starts from the file and sets each one aside unchanged, saying so", () => {
    for (const text of WRONG) {
      localStorage.clear();
      document.body.replaceChildren(document.createElement("main"));
      localStorage.setItem(draftKey(PAGE.file), text);
      expect(planStartup(PAGE, "", ""), text).toEqual({kind: "file"});
      const aside = Object.keys(localStorage).filter((key) => key.startsWith("glassbox:set-aside:"));
      expect(aside, text).toHaveLength(1);
      expect(aside[0], text).toMatch(/^glassbox:set-aside:\d+:glassbox:draft:notebooks\/rounding\.html$/);
      expect(localStorage.getItem(aside[0]!), text).toBe(text);
      expect(localStorage.getItem(draftKey(PAGE.file)), text).toBeNull();
      expect(notices().join("\n"), text).toMatch(
        /glassbox:draft:notebooks\/rounding\.html .*not a notebook record.*nothing was deleted/
      );
    }
  });

  it("planStartup() on #local=<id> with a wrong-shape record reports the notebook missing, and keeps the value", () => {
    localStorage.setItem(localKey("abc"), "{}");
    expect(planStartup(PAGE, "#local=abc", "")).toEqual({kind: "missing-local", id: "abc"});
    expect(Object.entries(localStorage).filter(([key]) => key.startsWith("glassbox:set-aside:"))).toEqual([
      [expect.stringMatching(/:glassbox:local:abc$/), "{}"]
    ]);
  });

  it("listLocalNotebooks() lists the good records and sets the others aside", () => {
    const good = createLocalNotebook(blankNotebook("Good"));
    for (const [i, text] of WRONG.entries()) localStorage.setItem(localKey(`bad${i}`), text);
    expect(listLocalNotebooks().map((entry) => [entry.id, entry.title])).toEqual([[good, "Good"]]);
    const aside = Object.keys(localStorage).filter((key) => key.startsWith("glassbox:set-aside:"));
    expect(aside).toHaveLength(WRONG.length);
    expect(notices()).toHaveLength(WRONG.length);
  });

  it("a wrong-shape value that cannot be set aside (storage full) is neither used nor overwritten", () => {
    localStorage.setItem(draftKey(PAGE.file), "{}");
    fillStorage();
    const store = new NotebookStore(draftKey(PAGE.file));
    expect(store.read()).toBeNull();
    expect(store.write(blankNotebook("mine"), null)).toEqual({ok: false, reason: "full"});
    expect(localStorage.getItem(draftKey(PAGE.file))).toBe("{}");
    expect(notices().join("\n")).toMatch(/not a notebook record; it is left as it is/);
  });
});
