// SPDX-License-Identifier: MIT
// Signed customer context at the edge, by the same rules as the native server (server/src/customer_context.cpp):
// a `Cartcore-Customer` compact JWT over {customer, segments, exp}, HS256 (CUSTOMER_HMAC_SECRET) or EdDSA
// (CUSTOMER_ED25519_KEY, the public key as PEM), verified with WebCrypto. Segments from anywhere else are not
// honoured unless CUSTOMER_SEGMENTS = "trusted", so the edge shows the price the origin will charge.

export class CustomerContextError extends Error {
  /** @param {"customer_context_invalid" | "customer_context_expired"} code */
  constructor(code, message) {
    super(message);
    this.name = "CustomerContextError";
    this.code = code;
  }
}

const MAX_TOKEN_BYTES = 8192;
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z, as on the server
const PAYLOAD_KEYS = new Set(["customer", "segments", "exp", "iat", "nbf"]);

const invalid = (why) => new CustomerContextError("customer_context_invalid", `The Cartcore-Customer token is not valid: ${why}`);

function base64UrlBytes(text) {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  const padded = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  try {
    return Uint8Array.from(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** True when some object in the (valid) JSON text names a key twice; one pass, a stack instead of recursion. */
function repeatsKey(text) {
  const open = []; // per container: a Set of keys for objects, null for arrays
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") open.push(new Set());
    else if (c === "[") open.push(null);
    else if (c === "}" || c === "]") open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = open.at(-1);
      let next = end + 1;
      while (text[next] === " " || text[next] === "\t" || text[next] === "\n" || text[next] === "\r") next++;
      if (keys && text[next] === ":") {
        const key = JSON.parse(text.slice(i, end + 1));
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = end;
    }
  }
  return false;
}

/** A token part as a JSON object, refusing repeated keys (JSON.parse would keep the last one silently). */
function jsonObject(part, name) {
  const bytes = base64UrlBytes(part);
  if (bytes === null) throw invalid(`${name} is not base64url.`);
  let text;
  let value;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw invalid(`${name} is not JSON.`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(`${name} is not a JSON object.`);
  if (repeatsKey(text)) throw invalid(`${name} repeats a key.`);
  return value;
}

function pemBody(pem) {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new Error("CUSTOMER_ED25519_KEY must be a PEM public key (openssl pkey -in key.pem -pubout)");
  return Uint8Array.from(atob(match[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
}

export class CustomerContextVerifier {
  #keys; // Promise<{ hmac: CryptoKey | null, ed25519: CryptoKey | null }>

  /** @param {import("./settings.mjs").EdgeSettings} settings */
  constructor(settings) {
    this.#keys = (async () => ({
      hmac: settings.customerHmacSecret
        ? await crypto.subtle.importKey("raw", new TextEncoder().encode(settings.customerHmacSecret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"])
        : null,
      ed25519: settings.customerEd25519Key
        ? await crypto.subtle.importKey("spki", pemBody(settings.customerEd25519Key), { name: "Ed25519" }, false, ["verify"])
        : null,
    }))();
  }

  /**
   * @param {string} token the Cartcore-Customer header
   * @param {number} now ms since the epoch
   * @returns {Promise<{ customer: string, segments: string[], expiresAt: number }>}
   * @throws {CustomerContextError}
   */
  async verify(token, now) {
    if (token.length > MAX_TOKEN_BYTES) throw invalid("it is longer than 8192 bytes.");
    const parts = token.split(".");
    if (parts.length !== 3) throw invalid("expected header.payload.signature (a compact JWT).");
    const [headerPart, payloadPart, signaturePart] = parts;
    const signature = base64UrlBytes(signaturePart);
    if (signature === null) throw invalid("the signature is not base64url.");
    const header = jsonObject(headerPart, "the header");
    if (Object.keys(header).some((k) => k !== "alg" && k !== "typ")) throw invalid("the header has an unknown field.");
    const keys = await this.#keys;
    const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
    let verified;
    if (header.alg === "HS256") {
      if (!keys.hmac) throw invalid("HS256 tokens are not accepted (no CUSTOMER_HMAC_SECRET).");
      verified = await crypto.subtle.verify("HMAC", keys.hmac, signature, signed);
    } else if (header.alg === "EdDSA") {
      if (!keys.ed25519) throw invalid("EdDSA tokens are not accepted (no CUSTOMER_ED25519_KEY).");
      verified = await crypto.subtle.verify({ name: "Ed25519" }, keys.ed25519, signature, signed);
    } else {
      throw invalid(`alg ${JSON.stringify(header.alg)} is not HS256 or EdDSA.`);
    }
    if (!verified) throw invalid("the signature does not verify.");

    const payload = jsonObject(payloadPart, "the payload");
    for (const key of Object.keys(payload)) if (!PAYLOAD_KEYS.has(key)) throw invalid(`payload /${key} is not a known field.`);
    const { customer, segments = [], exp, iat, nbf } = payload;
    const isSeconds = (n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_SECONDS;
    if (typeof customer !== "string" || customer.length === 0 || new TextEncoder().encode(customer).length > 200) {
      throw invalid("payload /customer must be a string of 1 to 200 bytes.");
    }
    if (!Array.isArray(segments) || segments.length > 100 || segments.some((s) => typeof s !== "string" || s.length === 0 || new TextEncoder().encode(s).length > 200)) {
      throw invalid("payload /segments must be an array of at most 100 strings.");
    }
    if (!isSeconds(exp)) throw invalid("payload /exp must be seconds since the epoch.");
    if (iat !== undefined && !isSeconds(iat)) throw invalid("payload /iat must be seconds since the epoch.");
    if (nbf !== undefined && !isSeconds(nbf)) throw invalid("payload /nbf must be seconds since the epoch.");
    if (exp * 1000 <= now) {
      throw new CustomerContextError("customer_context_expired", `The Cartcore-Customer token expired at ${new Date(exp * 1000).toISOString()}; have the storefront sign a fresh one.`);
    }
    if (nbf !== undefined && nbf * 1000 > now) throw invalid(`it is not valid before ${new Date(nbf * 1000).toISOString()}.`);
    return { customer, segments, expiresAt: exp * 1000 };
  }
}
