// The static copy behind every HTML, SVG and PNG export (src/studio/export/capture.ts + sanitize.ts) against a corpus
// of known XSS vectors, in real Chromium: nothing that can run or load survives, and what a cell shows stays. The
// Markdown export's provenance line shows a hostile notebook title as text.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {launchBrowser, openPage, type Browser, type WatchedPage} from "./helpers/index.ts";

/** Classic filter-evasion vectors (OWASP's cheat sheet and the usual mXSS and namespace tricks). */
const VECTORS = [
  `<script>window.pwned=1</script>`,
  `<img src=x onerror="window.pwned=1">`,
  `<svg onload="window.pwned=1"><circle r=4></circle></svg>`,
  `<a href="javascript:window.pwned=1">link</a>`,
  `<a href="java\tscript:window.pwned=1">tab</a>`,
  `<a href="java&#x09;script:window.pwned=1">entity tab</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:window.pwned=1">entities</a>`,
  `<a href=" \u0001javascript:window.pwned=1">control</a>`,
  `<a href="JaVaScRiPt:window.pwned=1">case</a>`,
  `<a href="vbscript:msgbox(1)">vb</a>`,
  `<a href="data:text/html,<script>window.pwned=1</script>">data</a>`,
  `<form action="javascript:window.pwned=1"><button>go</button></form>`,
  `<form><button formaction="javascript:window.pwned=1">go</button></form>`,
  `<form><input type="submit" formaction="javascript:window.pwned=1"></form>`,
  `<svg><animate attributeName="href" values="javascript:window.pwned=1"></animate></svg>`,
  `<svg><a><animate attributeName="href" to="javascript:window.pwned=1"></animate><text y="10">x</text></a></svg>`,
  `<svg><set attributeName="onmouseover" to="window.pwned=1"></set></svg>`,
  `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><script>window.pwned=1</script></svg>#x"></use></svg>`,
  `<svg><image href="javascript:window.pwned=1"></image></svg>`,
  `<svg><foreignObject><img src=x onerror="window.pwned=1"></foreignObject></svg>`,
  `<svg><script>window.pwned=1</script></svg>`,
  `<svg><style>@import "https://evil.example/x.css";</style></svg>`,
  `<embed src="data:text/html,<script>window.pwned=1</script>">`,
  `<object data="javascript:window.pwned=1"></object>`,
  `<iframe src="javascript:window.pwned=1"></iframe>`,
  `<iframe srcdoc="<script>window.pwned=1</script>"></iframe>`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.pwned=1">`,
  `<base href="javascript:/">`,
  `<link rel="stylesheet" href="https://evil.example/x.css">`,
  `<style>body{background:url(https://evil.example/x.png)}</style>`,
  `<div style="background-image:url(https://evil.example/track.png)">tracked</div>`,
  `<div style="width:expression(alert(1))">ie</div>`,
  `<img src="https://evil.example/track.png">`,
  `<img src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='window.pwned=1'/>">`,
  `<math><maction actiontype="statusline" xlink:href="javascript:window.pwned=1">x</maction></math>`,
  `<math><annotation-xml encoding="text/html"><img src=x onerror="window.pwned=1"></annotation-xml></math>`,
  `<noscript><p title="</noscript><img src=x onerror=window.pwned=1>"></p></noscript>`,
  `<template><img src=x onerror="window.pwned=1"></template>`,
  `<details open ontoggle="window.pwned=1">d</details>`,
  `<input autofocus onfocus="window.pwned=1">`,
  `<video><source onerror="window.pwned=1"></video>`,
  `<body onload="window.pwned=1">`,
  `<marquee onstart="window.pwned=1">m</marquee>`,
  `<button popovertarget="x" onclick="window.pwned=1">b</button>`
];

/** What a copy may never hold, checked on the serialized copy parsed back (independent of the allow-list's code). */
const FORBIDDEN_ELEMENTS = new Set(
  "script iframe object embed base meta link style animate set foreignobject annotation-xml noscript template video source audio marquee maction".split(
    " "
  )
);

let browser: Browser;
let page: WatchedPage;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await openPage(browser.context, `${inject("devUrl")}`);
  // a string, so vitest does not rewrite the dynamic imports for Node
  await page.page
    .evaluate(`Promise.all([import("/src/studio/export/capture.ts"), import("/src/studio/export/markdown.ts")])
    .then(([capture, markdown]) => { window.gbExport = {capture, markdown}; })`);
});
afterAll(async () => {
  await browser?.close();
});

interface Finding {
  vector: string;
  copy: string;
  problems: string[];
}

function copies(vectors: string[], forbidden: string[]): Promise<Finding[]> {
  return page.page.evaluate(
    ({vectors, forbidden}) => {
      const {staticCopy} = (window as any).gbExport.capture;
      // eslint-disable-next-line no-control-regex -- the controls a browser drops from a URL
      const controls = new RegExp("[\\u0000-\\u0020]", "g");
      return vectors.map((vector) => {
        const host = document.body.appendChild(document.createElement("div"));
        host.innerHTML = vector;
        const copy = staticCopy(host).outerHTML as string;
        host.remove();
        const doc = new DOMParser().parseFromString(`<!doctype html><body>${copy}`, "text/html");
        const problems: string[] = [];
        for (const element of doc.body.querySelectorAll("*")) {
          if (forbidden.includes(element.localName.toLowerCase())) problems.push(`element <${element.localName}>`);
          for (const {name, value} of element.attributes) {
            const url = value.replace(controls, "").toLowerCase();
            if (name.startsWith("on")) problems.push(`handler ${name}`);
            if (["action", "formaction", "srcdoc", "values", "to", "from", "attributename"].includes(name))
              problems.push(`attribute ${name}`);
            if (/^(javascript|vbscript|data:text|data:image\/svg)/.test(url)) problems.push(`${name}=${value}`);
            if (/https?:/.test(url) && name !== "href") problems.push(`loads ${name}=${value}`);
            if (name === "style" && /url\(\s*["']?https?:|expression\(/.test(url)) problems.push(`style ${value}`);
          }
        }
        return {vector, copy, problems};
      });
    },
    {vectors, forbidden}
  );
}

describe("export sanitizer (chromium)", () => {
  it(`lets nothing through from ${VECTORS.length} XSS vectors`, async () => {
    const findings = await copies(VECTORS, [...FORBIDDEN_ELEMENTS]);
    expect(findings.filter((f) => f.problems.length)).toEqual([]);
    expect(await page.page.evaluate(() => (window as any).pwned)).toBeUndefined();
  });

  it("keeps what an output shows: text, tables, form values, chart SVG, inline images, links to the web", async () => {
    const png =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const [finding] = await copies(
      [
        `<p>Hello <b>bold</b> <a href="https://example.org/x">a link</a></p><table><tr><th>a</th><td>1</td></tr></table>` +
          `<form><input type="range" value="3"><select><option>x</option></select></form>` +
          `<svg viewBox="0 0 10 10" aria-label="chart"><defs><clipPath id="c"><rect width="5" height="5"></rect></clipPath></defs>` +
          `<g clip-path="url(#c)"><path d="M0 0L10 10" stroke="red"></path><text x="1" y="9">label</text></g><use href="#c"></use></svg>` +
          `<img alt="plot" src="${png}">`
      ],
      []
    );
    const copy = finding!.copy;
    for (const tag of [
      "p",
      "b",
      "a",
      "table",
      "th",
      "td",
      "form",
      "input",
      "select",
      "svg",
      "clipPath",
      "path",
      "text",
      "use",
      "img"
    ])
      expect(copy).toMatch(new RegExp(`<${tag}[ >]`));
    for (const kept of ['href="https://example.org/x"', 'clip-path="url(#c)"', 'href="#c"', `src="${png}"`, "label"])
      expect(copy).toContain(kept);
  });

  it("the Markdown provenance line shows a hostile notebook title as text", async () => {
    const markdown = await page.page.evaluate(() => {
      const {cellMarkdown} = (window as any).gbExport.markdown;
      const provenance = {
        notebook: {title: `<img src=x onerror=alert(1)> *bold* [link](javascript:x)`, file: "notebooks/x.html"},
        cell: 3,
        appVersion: "0.1.0",
        models: [],
        seed: null,
        inputs: {},
        exportedAt: "2026-12-07T00:00:00Z"
      };
      return cellMarkdown(
        {id: 3, mode: "js", value: "1 + 1"},
        "data:image/png;base64,AA==",
        "alt",
        provenance
      ) as string;
    });
    const line = markdown.trim().split("\n").at(-1)!;
    expect(line).not.toMatch(/<img/);
    expect(line).toContain("&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\[link\\](javascript:x)");
  });
});
