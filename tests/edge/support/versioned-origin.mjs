// SPDX-License-Identifier: MIT
// An origin that publishes store configs one version at a time, in the native server's shapes (GET /healthz ->
// {configVersion}, GET /v1/admin/config -> {version, config}), plus an ETag per config text that it honours in
// If-None-Match. Used where the test needs many configs quickly (the golden corpus) or an ETag, which the
// native server does not send.
import { createHash } from "node:crypto";
import { createServer } from "node:http";

export async function startVersionedOrigin() {
  let version = 0;
  let configText = "";
  const counts = { config: 0, notModified: 0, version: 0 };
  const etag = () => `"${createHash("sha256").update(configText).digest("hex").slice(0, 32)}"`;
  const server = createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    if (request.url === "/healthz") {
      counts.version += 1;
      response.end(JSON.stringify({ ok: true, status: "ok", configVersion: version }));
    } else if (request.url === "/v1/admin/config") {
      if (request.headers["if-none-match"] === etag()) {
        counts.notModified += 1;
        response.writeHead(304, { etag: etag() }).end();
        return;
      }
      counts.config += 1;
      // The server splices the stored config text in verbatim; so does this.
      response.writeHead(200, { etag: etag() }).end(`{"ok":true,"version":${version},"config":${configText}}`);
    } else {
      response.writeHead(404).end('{"ok":false}');
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    /** Makes `text` the active config under a new version number; returns that number. */
    publish(text) {
      configText = text;
      version += 1;
      return version;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
