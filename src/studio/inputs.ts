// Observable Inputs from the installed package with its stylesheet (notebook-kit's version @imports it from a CDN).
import "@observablehq/inputs/dist/index.css";
import "./inputs.css";

export * from "@observablehq/inputs";
