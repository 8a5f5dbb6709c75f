// Once per browser-suite run: a Vite dev server, a production build served from a sub-folder by the `glassbox serve`
// server (cross-origin isolated), so every test file can open pages in dev and in the built site.
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {TestProject} from "vitest/node";
import {serveStatic} from "../../../src/studio/serve.node.ts";
import {buildSite, SITE_SUBFOLDER, startDevServer} from "./servers.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** the dev server's root URL, ending in / */
    devUrl: string;
    /** the built site's URL inside a sub-folder of the static server, ending in / */
    siteUrl: string;
    /** the folder the site was built into */
    siteDir: string;
    /** seconds `vite build` took */
    buildSeconds: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const temp = mkdtempSync(join(tmpdir(), "glassbox-site-"));
  const siteDir = join(temp, SITE_SUBFOLDER);
  const buildSeconds = buildSite(siteDir);
  const site = await serveStatic({root: temp});
  const dev = await startDevServer();
  project.provide("devUrl", dev.url);
  project.provide("siteUrl", `${site.url}${SITE_SUBFOLDER}/`);
  project.provide("siteDir", siteDir);
  project.provide("buildSeconds", buildSeconds);
  return async () => {
    await Promise.all([dev.close(), site.close()]);
    rmSync(temp, {recursive: true, force: true});
  };
}
