// SPDX-License-Identifier: MIT
// Picks the language for the engine's sentences from the shopper's Accept-Language header (RFC 9110 §12.5.4): the
// most preferred tag whose primary language the engine writes. The header is untrusted, so only its first
// MAX_RANGES ranges are read and each tag is checked before it reaches the engine.

const MAX_HEADER_LENGTH = 1024;
const MAX_RANGES = 32;
const TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

/**
 * The tag to send as the request's `locale` ("de-DE"), or null when the shopper prefers no language the engine
 * writes (the engine then writes English, without a warning).
 * @param {string | null} header the Accept-Language value
 * @param {string[]} supported primary tags the engine writes, e.g. ["en", "de", "fr", "es"]
 * @returns {string | null}
 */
export function localeFromAcceptLanguage(header, supported) {
  if (!header) return null;
  const ranges = [];
  for (const part of header.slice(0, MAX_HEADER_LENGTH).split(",").slice(0, MAX_RANGES)) {
    const [tag, ...params] = part.trim().split(";");
    let quality = 1;
    for (const param of params) {
      const [name, value] = param.trim().split("=");
      if (name?.trim().toLowerCase() === "q") quality = Number(value);
    }
    if (!TAG.test(tag) || tag.length > 35 || !(quality > 0 && quality <= 1)) continue; // "*", junk and q=0 say nothing
    ranges.push({ tag, quality, order: ranges.length });
  }
  ranges.sort((a, b) => b.quality - a.quality || a.order - b.order);
  const found = ranges.find(({ tag }) => supported.includes(tag.split("-")[0].toLowerCase()));
  return found ? found.tag : null;
}
