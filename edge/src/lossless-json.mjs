// SPDX-License-Identifier: MIT
// JSON.parse turns every number into a double, so 1.0 would come back as 1 and 12345678901234567890 as
// 12345678901234567000: the core would then judge a different cart than the shopper sent. Where the runtime
// has JSON.rawJSON and the reviver's source text (workerd, Chromium, Node 21+), numbers keep their exact
// source text through a parse/stringify round trip, so the edge can add fields without changing any others.

const keepsNumberText = typeof JSON.rawJSON === "function";

/** Parses JSON text; throws SyntaxError like JSON.parse. */
export function parseLossless(text) {
  if (!keepsNumberText) return JSON.parse(text);
  return JSON.parse(text, (key, value, context) =>
    typeof value === "number" && context?.source !== undefined ? JSON.rawJSON(context.source) : value,
  );
}

/** The inverse of parseLossless: numbers are written back with their source text. */
export function stringifyLossless(value) {
  return JSON.stringify(value);
}
