// Packages without their own type declarations.
declare module "@observablehq/inputs";
declare module "jsdom";
