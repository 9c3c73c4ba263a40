// SPDX-License-Identifier: MIT
// A FAKE WooCommerce REST API (wc/v3), not WooCommerce: written from WooCommerce's documented behaviour
// (woocommerce-rest-api-docs, "Batch update products" / "Batch update product variations", and the REST
// controllers' batch limit), reproducing the quirks the stock push must survive:
// - a batch answers 200 even when items fail; each failure is `{"id", "error": {"code", "message", "data"}}` at the
//   item's place in `update`;
// - `stock_quantity` is silently ignored on an object whose `manage_stock` is off (still 200, the item shows the
//   old state);
// - a batch takes at most 100 objects (413 woocommerce_rest_request_entity_too_large otherwise);
// - a variation whose stock its product keeps reports `manage_stock: "parent"`;
// - HTTP Basic auth with the consumer key and secret (401 otherwise).
// It serves HTTPS with a certificate from a throwaway CA made by `makeTestCa` (openssl, at test time), and can fail
// whole requests (5xx), hang them (timeouts) or fail chosen items.
import { createServer } from 'node:https';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** A CA and a server certificate for 127.0.0.1 and localhost, made with openssl in `dir`. */
export function makeTestCa(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=Cartcore test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
    '-days', '2', '-extfile', 'san.ext');
  return { caFile: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) };
}

/** The products and variations of a saved REST export (the importer's --api directory), as the fake's store. */
export function loadRestExport(dir) {
  const objects = new Map();
  for (const p of JSON.parse(readFileSync(join(dir, 'products.json'), 'utf8'))) {
    objects.set(p.id, { ...p });
    const file = join(dir, 'products', String(p.id), 'variations.json');
    if (p.type === 'variable' && existsSync(file))
      for (const v of JSON.parse(readFileSync(file, 'utf8'))) objects.set(v.id, { ...v, type: 'variation', parent_id: p.id });
  }
  return objects;
}

/**
 * Starts the fake on 127.0.0.1 (port 0). `objects`: id -> product or variation. `faults` is live: set
 * `failRequests` (answer that many next requests 503), `hangRequests` (never answer that many), `itemErrors`
 * (Map id -> how many times to refuse that item).
 */
export async function startFakeWooCommerce({ tls, objects, consumerKey, consumerSecret, webhook }) {
  const requests = [];  // every batch request: { path, items, status }
  const faults = { failRequests: 0, hangRequests: 0, itemErrors: new Map() };
  let tlsFailures = 0;
  const hung = [];
  const expectedAuth = 'Basic ' + Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64');
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const answer = (status, json) => {
        requests.at(-1).status = status;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      const match = /^\/wp-json\/wc\/v3\/products(?:\/(\d+)\/variations)?\/batch$/.exec(req.url);
      let parsed = null;
      try { parsed = JSON.parse(body); } catch { /* answered below */ }
      requests.push({ path: req.url, items: parsed?.update ?? [], status: 0, refused: [], auth: req.headers.authorization });
      if (faults.hangRequests > 0) { faults.hangRequests--; hung.push(res); return; }
      if (faults.failRequests > 0) { faults.failRequests--; return answer(503, { code: 'internal_server_error', message: 'Service Unavailable' }); }
      if (req.headers.authorization !== expectedAuth)
        return answer(401, { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
      if (req.method !== 'POST' || !match) return answer(404, { code: 'rest_no_route', message: 'No route was found.', data: { status: 404 } });
      if (!parsed || typeof parsed !== 'object') return answer(400, { code: 'rest_invalid_json', message: 'Invalid JSON body passed.', data: { status: 400 } });
      const count = ['create', 'update', 'delete'].reduce((n, k) => n + (Array.isArray(parsed[k]) ? parsed[k].length : 0), 0);
      if (count > 100)
        return answer(413, { code: 'woocommerce_rest_request_entity_too_large', message: 'Unable to accept more than 100 items for this request.', data: { status: 413 } });
      const parentId = match[1] ? Number(match[1]) : null;
      const update = (parsed.update ?? []).map((item) => {
        const object = objects.get(item.id);
        const fits = object && (parentId === null ? object.type !== 'variation' : object.type === 'variation' && object.parent_id === parentId);
        if (!fits) requests.at(-1).refused.push(item.id);
        if (!fits) return { id: item.id, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } };
        const refusals = faults.itemErrors.get(item.id) ?? 0;
        if (refusals > 0) {
          faults.itemErrors.set(item.id, refusals - 1);
          requests.at(-1).refused.push(item.id);
          return { id: item.id, error: { code: 'woocommerce_rest_cannot_edit', message: 'Sorry, you are not allowed to edit this resource.', data: { status: 400 } } };
        }
        if ('manage_stock' in item) object.manage_stock = item.manage_stock;
        // The quirk: without stock management the quantity is dropped, and the answer is still 200.
        if ('stock_quantity' in item && object.manage_stock === true) {
          object.stock_quantity = item.stock_quantity;
          object.stock_status = item.stock_quantity > 0 ? 'instock' : 'outofstock';
        }
        object.date_modified_gmt = new Date().toISOString().slice(0, 19);
        if (webhook) webhook(object);  // WooCommerce fires product.updated for each saved object, our writes too
        return { ...object };
      });
      answer(200, { update });
    });
  });
  server.on('tlsClientError', () => tlsFailures++);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${server.address().port}/wp-json/wc/v3`,
    objects,
    requests,
    faults,
    tlsFailures: () => tlsFailures,
    close: () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** WooCommerce's webhook signature: base64 of HMAC-SHA256 over the raw body with the webhook's secret. */
export function wooSignature(body, secret) {
  return createHmac('sha256', secret).update(body).digest('base64');
}
