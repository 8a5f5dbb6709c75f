// The `tex` builtin on the installed KaTeX and its stylesheet (notebook-kit's version loads both from a CDN).
import katex, {type KatexOptions} from "katex";
import "katex/dist/katex.min.css";

type TexRenderer = (template: TemplateStringsArray, ...values: unknown[]) => Element;

function renderer(options?: KatexOptions): TexRenderer {
  return (template, ...values) => {
    const root = document.createElement("div");
    katex.render(String.raw(template, ...values), root, {...options, output: "html"});
    return root.removeChild(root.firstElementChild!);
  };
}

export const tex = Object.assign(renderer(), {options: renderer, block: renderer({displayMode: true})});
