// Typesets TeX for the book's build (book/_ext/course_site/typeset_math.py drives it).
//
// `node typeset.js svg`: glyphs drawn as SVG paths, no font needed (the site's pages).
// `node typeset.js chtml FONT_URL`: HTML and CSS with MathJax's web fonts (the PDF: a font is embedded
// once, where SVG paths would be repeated for every formula).
//
// Protocol: one JSON object per line on stdin, one per line on stdout, in order.
//   {"tex": "x^2", "display": false}  ->  {"html": "<mjx-container ...>...</mjx-container>"}
//                                     or  {"error": "TeX error message"}
//   {"stylesheet": true}              ->  {"css": "..."}: the CSS for every formula typeset so far
// Each formula carries its MathML for screen readers.
"use strict";

const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
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
const [format, fontURL] = process.argv.slice(2);
const output =
  format === "chtml"
    ? // The CSS holds the glyphs of every formula typeset so far (one stylesheet for the whole build).
      new CHTML({ fontURL, adaptiveCSS: true })
    : // "local": each formula holds the glyph paths it uses once, under ids unique within the build.
      new SVG({ fontCache: "local" });
const doc = mathjax.document("", { InputJax: tex, OutputJax: output });

function answer(request) {
  if (request.stylesheet) {
    return { css: adaptor.textContent(output.styleSheet(doc)) };
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
