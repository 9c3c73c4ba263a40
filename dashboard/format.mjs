// SPDX-License-Identifier: MIT
// How the dashboard writes the API's figures. Money and percentages arrive as exact decimal strings and are only
// re-spaced here (digit grouping), never parsed into floating point; `plotValue` is the one place a decimal
// becomes a Number, and only charts use it, to place a point.

const DECIMAL = /^(-?)(\d+)(\.\d+)?$/;

/** "1234567.50" -> "1,234,567.50", "-1000" -> "-1,000"; anything that is not a plain decimal is returned as is. */
export function groupDigits(decimal) {
  const text = String(decimal);
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = ""] = match;
  return sign + whole.replace(/\B(?=(\d{3})+$)/g, ",") + fraction;
}

/** "1,234.50 USD"; a missing amount is an en dash. */
export const money = (amount, currency) => (amount === null || amount === undefined ? "–" : `${groupDigits(amount)} ${currency}`);

/** A difference with its sign: "+12.00 USD", "-3.50 USD", "0.00 USD". */
export const signedMoney = (amount, currency) => (amount === null || amount === undefined ? "–" : `${plus(amount)}${groupDigits(amount)} ${currency}`);

/** "+" for a positive decimal, else nothing (a negative one has its "-", zero has no sign). */
const plus = (decimal) => (DECIMAL.test(decimal) && !decimal.startsWith("-") && /[1-9]/.test(decimal) ? "+" : "");

/** "41.25 %"; null (the base was zero) reads "n/a". */
export const percent = (value) => (value === null || value === undefined ? "n/a" : `${groupDigits(value)} %`);

/** A change in percentage points with its sign: "+4.55 %", "-1.20 %". */
export const signedPercent = (value) => (value === null || value === undefined ? "n/a" : `${plus(value)}${groupDigits(value)} %`);

/** Integer counts, grouped: 12345 -> "12,345". */
export const count = (value) => groupDigits(String(value));

/** "2026-11-27T09:30:00.000Z" -> "2026-11-27 09:30:00 UTC" (the API's times are UTC; so is the page). */
export function time(iso) {
  if (typeof iso !== "string") return "–";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** The UTC day of an ISO time: "2026-11-27T09:30:00.000Z" -> "2026-11-27". */
export const dayOf = (iso) => (typeof iso === "string" ? iso.slice(0, 10) : "");

/** The UTC day after `day`: "2026-11-30" -> "2026-12-01" (a period's exclusive end from its last day). */
export const nextUtcDay = (day) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** For charts only: a decimal string as the nearest Number, null for null (a gap in the line). */
export const plotValue = (decimal) => (decimal === null || decimal === undefined ? null : Number(decimal));

/** Compares two decimal strings exactly (no floating point): -1, 0 or 1. */
export function compareDecimals(a, b) {
  const parse = (text) => {
    const negative = text.startsWith("-") && /[1-9]/.test(text); // "-0.00" is zero
    const [whole, fraction = ""] = text.replace("-", "").split(".");
    return { negative, whole: whole.replace(/^0+(?=\d)/, ""), fraction };
  };
  const x = parse(a), y = parse(b);
  const sign = x.negative === y.negative ? (x.negative ? -1 : 1) : 0;
  if (sign === 0) return x.negative ? -1 : 1;
  const width = Math.max(x.fraction.length, y.fraction.length);
  const left = x.whole.padStart(40, "0") + x.fraction.padEnd(width, "0");
  const right = y.whole.padStart(40, "0") + y.fraction.padEnd(width, "0");
  return left === right ? 0 : (left > right ? 1 : -1) * sign;
}
