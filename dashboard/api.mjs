// SPDX-License-Identifier: MIT
// The dashboard's client of the server's admin API (server/openapi.yaml, tag analytics). Every call carries the
// key as a bearer token in a header, never in a URL. Errors become ApiError with the API's stable `code`.
import { readEventStream } from "./event-stream.mjs";

export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = error.code ?? "http_error";
    this.details = error; // the whole error object: pointer, parameter, jobId, …
  }
}

/** "?from=…&to=…" from an object, leaving out empty values. */
export function queryString(parameters = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined && value !== null && value !== "") search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export class AdminApi {
  #token;

  /** `token`: an analytics key or the admin token. `onUnauthorized` runs on any 401 (the key was revoked). */
  constructor(token, { onUnauthorized = () => {} } = {}) {
    this.#token = token;
    this.onUnauthorized = onUnauthorized;
  }

  async #fetch(path, { method = "GET", body, accept = "application/json", signal } = {}) {
    const headers = { authorization: `Bearer ${this.#token}`, accept };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(path, { method, headers, body, signal, cache: "no-store", credentials: "omit" });
    if (response.ok) return response;
    let error = {};
    try {
      error = (await response.json()).error ?? {};
    } catch {
      // not JSON (a proxy's page): keep the status
    }
    if (response.status === 401) this.onUnauthorized();
    throw new ApiError(response.status, error);
  }

  /** GET a JSON document. */
  async get(path, parameters, options) {
    return (await this.#fetch(path + queryString(parameters), options)).json();
  }

  /** GET the CSV form of an analytics table (RFC 4180 text). */
  async csv(path, parameters) {
    return (await this.#fetch(path + queryString({ ...parameters, format: "csv" }), { accept: "text/csv" })).text();
  }

  /** POST a body given as JSON text (the draft config is sent exactly as the merchant wrote it). */
  async postText(path, text) {
    return (await this.#fetch(path, { method: "POST", body: text })).json();
  }

  async delete(path) {
    return (await this.#fetch(path, { method: "DELETE" })).json();
  }

  /** The live stream's events ({event, data: parsed JSON}) until it ends or `signal` aborts. */
  async *stream(signal) {
    const response = await this.#fetch("/v1/admin/stream", { accept: "text/event-stream", signal });
    for await (const { event, data } of readEventStream(response, signal)) yield { event, data: JSON.parse(data) };
  }
}
