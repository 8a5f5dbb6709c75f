// @vitest-environment jsdom
import {describe, expect, it} from "vitest";
import {activationHeatmap, publishHighlight, tokenView} from "../../src/viz/index.ts";
import {activations, TOKENS} from "./data.ts";
import {snapshot} from "./snapshot.ts";

const tokens = TOKENS.map((text, i) => ({id: i === 0 ? 1 : 300 + i * 37, text}));

snapshot(function tokenViewPrompt() {
  return tokenView({tokens}, {title: "Prompt", subtitle: "12 tokens, ids from the stories15M vocabulary"});
});

snapshot(function tokenViewEmpty() {
  return tokenView({tokens: []}, {theme: "dark"});
});

describe("tokenView", () => {
  it("tokenView(data) hover highlights the same position in a linked heatmap", () => {
    const view = tokenView({tokens});
    const heatmap = activationHeatmap({values: activations(12, 8), rows: 12, cols: 8, rowLabels: TOKENS});
    document.body.append(view, heatmap);
    view.querySelector('[data-position="4"]')!.dispatchEvent(new Event("pointerenter"));
    expect(heatmap.querySelector(".gb-row-labels .gb-highlight")?.textContent).toBe("·time");
    expect(view.querySelector(".gb-highlight")?.getAttribute("data-position")).toBe("4");
    expect(heatmap.querySelectorAll(".gb-cursor rect").length).toBe(1);
    view.querySelector('[data-position="4"]')!.dispatchEvent(new Event("pointerleave"));
    expect(heatmap.querySelectorAll(".gb-highlight, .gb-cursor rect").length).toBe(0);
    view.remove();
    heatmap.remove();
  });
  it("publishHighlight(doc, link, p) only reaches charts on that link", () => {
    const heatmap = activationHeatmap(
      {values: activations(3, 2), rows: 3, cols: 2, rowLabels: ["a", "b", "c"]},
      {link: "other"}
    );
    document.body.append(heatmap);
    publishHighlight(document, "tokens", 1);
    expect(heatmap.querySelectorAll(".gb-highlight").length).toBe(0);
    publishHighlight(document, "other", 1);
    expect(heatmap.querySelector(".gb-highlight")?.textContent).toBe("b");
    heatmap.remove();
  });
  it("tokenView(data) rejects a token without an integer id", () => {
    expect(() => tokenView({tokens: [{id: 1.5, text: "x"}]})).toThrow("invalid token id: 1.5");
  });
});
