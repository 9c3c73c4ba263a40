// SPDX-License-Identifier: MIT
// A tiny JSON reader/writer that reproduces the core's canonical output bytes (nlohmann::json::dump():
// compact, object keys in UTF-8 byte order, integers verbatim) without going through JSON.parse/stringify,
// which would round integers above 2^53 and sort keys by UTF-16 code units. The golden test uses it to
// re-dump a case's "expected" object and compare it byte for byte with the WASM output.

/** Parses JSON text into a tree whose numbers keep their source text: { type: "number", raw }. */
export function parseLossless(text) {
  let at = 0;
  const fail = (what) => {
    throw new SyntaxError(`${what} at offset ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const expect = (literal) => {
    if (text.startsWith(literal, at)) {
      at += literal.length;
      return;
    }
    fail(`expected ${literal}`);
  };
  function readString() {
    expect('"');
    let out = "";
    for (;;) {
      const ch = text[at++];
      if (ch === undefined) fail("unterminated string");
      if (ch === '"') return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const esc = text[at++];
      const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[esc];
      if (simple !== undefined) {
        out += simple;
      } else if (esc === "u") {
        out += String.fromCharCode(parseInt(text.slice(at, at + 4), 16));
        at += 4;
      } else {
        fail("bad escape");
      }
    }
  }
  function readValue() {
    skipSpace();
    const ch = text[at];
    if (ch === "{") {
      at++;
      const entries = [];
      skipSpace();
      if (text[at] === "}") {
        at++;
        return { type: "object", entries };
      }
      for (;;) {
        skipSpace();
        const key = readString();
        skipSpace();
        expect(":");
        entries.push([key, readValue()]);
        skipSpace();
        if (text[at] === ",") {
          at++;
          continue;
        }
        expect("}");
        return { type: "object", entries };
      }
    }
    if (ch === "[") {
      at++;
      const items = [];
      skipSpace();
      if (text[at] === "]") {
        at++;
        return { type: "array", items };
      }
      for (;;) {
        items.push(readValue());
        skipSpace();
        if (text[at] === ",") {
          at++;
          continue;
        }
        expect("]");
        return { type: "array", items };
      }
    }
    if (ch === '"') return { type: "string", value: readString() };
    if (text.startsWith("true", at)) return (at += 4), { type: "literal", raw: "true" };
    if (text.startsWith("false", at)) return (at += 5), { type: "literal", raw: "false" };
    if (text.startsWith("null", at)) return (at += 4), { type: "literal", raw: "null" };
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match) fail("unexpected character");
    at += match[0].length;
    return { type: "number", raw: match[0] };
  }
  const tree = readValue();
  skipSpace();
  if (at !== text.length) fail("trailing characters");
  return tree;
}

/** The member `key` of an object tree, or undefined. */
export function member(tree, key) {
  return tree.type === "object" ? tree.entries.find(([k]) => k === key)?.[1] : undefined;
}

const utf8 = new TextEncoder();

function compareUtf8(a, b) {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function escapeString(value) {
  // nlohmann escapes ", \, the short control escapes, other controls as lowercase \u00xx, and nothing else.
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

function dumpNumber(raw) {
  if (/^-?\d+$/.test(raw)) return BigInt(raw).toString(); // "-0" -> "0", as nlohmann stores an integer
  // Floats never appear in Cartcore output (money is decimal strings); keep the source text rather than guess
  // nlohmann's shortest-round-trip formatting.
  return raw;
}

/**
 * Canonical text of a tree: what nlohmann::json::dump() prints for it. With `sortKeys: false` the source key
 * order is kept, which is how the golden inputs are handed to both engines unchanged.
 */
export function dumpCanonical(tree, { sortKeys = true } = {}) {
  switch (tree.type) {
    case "object": {
      const entries = sortKeys ? [...tree.entries].sort(([a], [b]) => compareUtf8(a, b)) : tree.entries;
      return "{" + entries.map(([k, v]) => escapeString(k) + ":" + dumpCanonical(v, { sortKeys })).join(",") + "}";
    }
    case "array":
      return "[" + tree.items.map((v) => dumpCanonical(v, { sortKeys })).join(",") + "]";
    case "string":
      return escapeString(tree.value);
    case "number":
      return dumpNumber(tree.raw);
    default:
      return tree.raw;
  }
}
