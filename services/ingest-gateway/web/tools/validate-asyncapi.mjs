// node tools/validate-asyncapi.mjs FILE: parse and validate an AsyncAPI document with the
// official parser (@asyncapi/parser); prints the diagnostics as JSON, exits 1 on any error.
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(file, "utf8"));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
const summary = {
  valid: document !== undefined && errors.length === 0,
  channels: document ? document.channels().length : 0,
  operations: document ? document.operations().length : 0,
  messages: document ? document.components().messages().length : 0,
  diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, path: d.path.join(".") })),
};
console.log(JSON.stringify(summary, null, 2));
process.exit(summary.valid ? 0 : 1);
