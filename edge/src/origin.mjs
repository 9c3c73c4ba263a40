// SPDX-License-Identifier: MIT
// GETs JSON from the origin server (the native cartcore-server) with the edge's read-only (edge-scoped) API key.

export class OriginError extends Error {
  constructor(message) {
    super(message);
    this.name = "OriginError";
  }
}

/**
 * @param {import("./settings.mjs").EdgeSettings} settings
 * @param {string} path
 * @param {Record<string, string>} [headers]
 * @returns {Promise<Response>} a 2xx or 304 response; anything else (or no answer) is an OriginError
 */
export async function getFromOrigin(settings, path, headers = {}) {
  if (!settings.originUrl) throw new OriginError("ORIGIN_URL is not set");
  const init = { method: "GET", headers: { accept: "application/json", ...headers } };
  if (settings.originToken) init.headers.authorization = `Bearer ${settings.originToken}`;
  let response;
  try {
    response = await fetch(settings.originUrl + path, init);
  } catch (error) {
    throw new OriginError(`origin ${path} did not answer: ${error?.message ?? error}`);
  }
  if (response.status === 304 || response.ok) return response;
  await response.body?.cancel();
  throw new OriginError(`origin ${path} answered HTTP ${response.status}`);
}
