import js from "@eslint/js";
import tseslint from "typescript-eslint";
import {FLOORS, floorsPlugin} from "./scripts/floors.js";

export default tseslint.config(
  {ignores: ["node_modules", "dist", "build", "test/output", "bench/out", "**/*.wasm"]},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        URL: "readonly",
        window: "readonly",
        document: "readonly",
        self: "readonly",
        fetch: "readonly",
        Blob: "readonly",
        File: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
        Buffer: "readonly"
      }
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", {ignoreRestSiblings: true, argsIgnorePattern: "^_"}],
      "no-constant-condition": ["error", {checkLoops: false}]
    }
  },
  // imports point one way, down the floors (scripts/floors.js)
  {
    files: FLOORS.flat().map((folder) => `${folder}/**/*.{ts,js}`),
    plugins: {floors: floorsPlugin},
    rules: {"floors/one-way": "error"}
  }
);
