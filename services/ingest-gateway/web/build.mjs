// Builds dist/: the bundle and stylesheet under content-hashed names, and an index.html naming them.
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

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.startsWith("main-") && name.endsWith(".js"));
const style = outputs.find((name) => name.startsWith("app-") && name.endsWith(".css"));
if (!script || !style) throw new Error(`build.mjs: unexpected outputs ${outputs.join(", ")}`);
const page = (await readFile(join(here, "src/index.html"), "utf8"))
  .replace("%SCRIPT%", `/app/assets/${script}`)
  .replace("%STYLE%", `/app/assets/${style}`);
await writeFile(join(dist, "index.html"), page);
console.log(`dist/index.html -> ${script}, ${style}`);
