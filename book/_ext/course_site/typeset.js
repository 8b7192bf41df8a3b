// Typesets TeX into SVG for the book's build (book/_ext/course_site/math_svg.py drives it).
//
// Protocol: one JSON object per line on stdin, one per line on stdout, in order.
//   {"tex": "x^2", "display": false}  ->  {"html": "<mjx-container ...>...</mjx-container>"}
//                                     or  {"error": "TeX error message"}
//   {"stylesheet": true}              ->  {"css": "mjx-container[jax=\"SVG\"] {...} ..."}
// Glyphs are drawn as SVG paths (no web font), and each formula carries its MathML for screen readers.
"use strict";

const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

// Packages that load others at run time, or hide errors, have no place in a build.
const skipped = new Set(["autoload", "require", "noerrors", "noundefined", "setoptions"]);
const tex = new TeX({
  packages: AllPackages.filter((name) => !skipped.has(name)),
  // A TeX error stops the conversion and is reported to the build, rather than drawn in red on the page.
  formatError: (jax, error) => {
    throw error;
  },
});
// "local": each formula holds the glyph paths it uses once, under ids unique within the build.
const svg = new SVG({ fontCache: "local" });
const doc = mathjax.document("", { InputJax: tex, OutputJax: svg });

function answer(request) {
  if (request.stylesheet) {
    return { css: adaptor.textContent(svg.styleSheet(doc)) };
  }
  try {
    const node = doc.convert(request.tex, {
      display: Boolean(request.display),
      em: 16,
      ex: 8,
      containerWidth: 80 * 16,
    });
    return { html: adaptor.outerHTML(node) };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) {
    return;
  }
  process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n");
});
