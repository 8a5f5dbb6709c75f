// htl (Hypertext Literal) without inline event-handler markup: what every studio page gets for `import "htl"`
// (Observable Inputs, the `html`/`svg` builtins, edited cells), routed here by src/studio/vite/htl-resolver.node.ts.
//
// Why: htl binds a function to an `on…` attribute by writing a placeholder attribute into the markup it parses
// (`<button onclick=::3>`, through `template.innerHTML`) and then replacing it with a property
// (`button.onclick = fn`). Current Chromium checks the page's Content Security Policy when it parses that
// placeholder, even inside an inert <template>, so under our `script-src` (no 'unsafe-inline') every button,
// range, number, table and search input logged "Executing inline event handler violates ... script-src-attr",
// although the property set afterwards works. Here such a binding is rewritten, before htl sees it, into htl's own
// spread form `<button ${{onclick: fn}}>`, which htl applies as the same property without writing any markup: same
// nodes, same handlers, nothing inline for the policy to refuse, and the policy stays strict.
import {html as htlHtml, svg as htlSvg} from "htl";

type Literal = (strings: TemplateStringsArray, ...values: unknown[]) => unknown;

/** An unquoted `on…=` attribute at the end of a template piece, e.g. `<button disabled onclick=`. */
const HANDLER_BINDING = /(?<=\s)(on[^\s"'<>/=]+)=$/i;

/**
 * The template with each function bound to an unquoted `on…` attribute moved into a spread object. htl itself treats
 * a function there as a property only when the next piece starts with white space or `>`; anything else is left
 * exactly as written, so htl's behaviour (and its errors) are unchanged.
 */
export function moveHandlerBindings(
  strings: readonly string[],
  values: readonly unknown[]
): {strings: string[]; values: unknown[]} {
  const pieces = [...strings];
  const moved = [...values];
  let markup = "";
  for (let i = 0; i < moved.length; i++) {
    markup += pieces[i];
    const value = moved[i];
    const binding = typeof value === "function" && /^[\s>]/.test(pieces[i + 1]!) && HANDLER_BINDING.exec(pieces[i]!);
    const insideTag = markup.lastIndexOf("<") > markup.lastIndexOf(">");
    if (binding && insideTag) {
      pieces[i] = pieces[i]!.slice(0, binding.index);
      moved[i] = {[binding[1]!]: value};
    }
    markup += "\0";
  }
  return {strings: pieces, values: moved};
}

function withoutInlineHandlers<L extends Literal>(literal: L): L {
  return ((strings: TemplateStringsArray, ...values: unknown[]) => {
    const {strings: raw, values: moved} = moveHandlerBindings(strings.raw, values);
    return literal(Object.assign([...raw], {raw}) as unknown as TemplateStringsArray, ...moved);
  }) as L;
}

export const html = Object.assign(withoutInlineHandlers(htlHtml), {
  fragment: withoutInlineHandlers(htlHtml.fragment)
});

export const svg = Object.assign(withoutInlineHandlers(htlSvg), {
  fragment: withoutInlineHandlers(htlSvg.fragment)
});
