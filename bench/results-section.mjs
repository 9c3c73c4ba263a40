// SPDX-License-Identifier: MIT
// Replaces one generated section of bench/RESULTS.md between its markers, leaving every other section intact,
// so each benchmark script can rewrite only its own figures.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function replaceResultsSection(resultsPath, name, heading, body) {
  const begin = `<!-- ${name}:begin (generated; edit outside these markers) -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${body}\n${end}`;
  let text = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "# Benchmark results\n";
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  text = from !== -1 && to !== -1
    ? text.slice(0, from) + block + text.slice(to + end.length)
    : `${text.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(resultsPath, text);
}
