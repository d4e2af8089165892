// Builds dist/: the bundle and stylesheet under content-hashed names, an index.html naming them, and
// widget.js (the orders widget: one classic script under a fixed name, for other sites' pages).
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, "assets"), { recursive: true });

const result = await build({
  entryPoints: [join(here, "src/main.ts"), join(here, "src/app.css")],
  outdir: join(dist, "assets"),
  entryNames: "[name]-[hash]",
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["es2022"],
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

// A classic script (no module, nothing else to fetch): pages embed it by a name that never changes.
await build({
  entryPoints: [join(here, "src/widget/main.ts")],
  outfile: join(dist, "widget.js"),
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2022"],
  legalComments: "none",
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.startsWith("main-") && name.endsWith(".js"));
const style = outputs.find((name) => name.startsWith("app-") && name.endsWith(".css"));
if (!script || !style) throw new Error(`build.mjs: unexpected outputs ${outputs.join(", ")}`);
const page = (await readFile(join(here, "src/index.html"), "utf8"))
  .replace("%SCRIPT%", `/app/assets/${script}`)
  .replace("%STYLE%", `/app/assets/${style}`);
await writeFile(join(dist, "index.html"), page);
console.log(`dist/index.html -> ${script}, ${style}; dist/widget.js`);
