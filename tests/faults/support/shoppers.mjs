// SPDX-License-Identifier: MIT
// Concurrent shoppers spread over server instances, each writing down exactly what it was told: the ledger the
// invariant checker compares with the database afterwards. A shopper holds a cart, then checks it out (with an
// Idempotency-Key, retried on another instance when the answer is lost), releases it, or abandons it to expire.
// Now and then it submits a confirmed checkout again elsewhere (a double click) and expects the same bytes back.

/** How a request ended: an HTTP answer, or no answer (refused, reset, timed out). */
async function send(base, method, path, { body, headers = {}, timeoutMs }) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(timeoutMs) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  try {
    const response = await fetch(base + path, init);
    const text = await response.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, text };
  } catch (error) {
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    return { status: 0, error: timedOut ? 'timeout' : (error.cause?.code ?? error.message) };
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The ledger: every request's outcome, every hold the shoppers were given, every checkout with all its attempts.
 * Holds and checkouts are keyed by hold id.
 */
export function newLedger() {
  return {
    requests: 0,
    byRoute: {},        // "POST /v1/holds 201", "POST /v1/holds 409 insufficient_stock", "… timeout" -> count
    holds: new Map(),   // id -> { id, lines, ttlSeconds, expiresAt, placedAt, instance, plan }
    holdsUnknown: 0,    // hold requests that got no answer (a hold may exist that nobody knows of)
    holdsRefused: 0,    // 409 insufficient_stock
    checkouts: new Map(), // holdId -> { holdId, key, digest, attempts: [...], answer: {status, body, text}|null }
    priceChanges: 0,    // 409 price_changed confirmed with the current digest under a new key
    retries: 0,         // requests sent again after an attempt got no answer or a 5xx
    replays: { sent: 0, identical: 0, different: [] },  // deliberate second submits of a confirmed checkout
    releases: { ok: 0, notActive: 0, unknown: 0 },
    released: new Map(),  // hold id -> when a release of it was answered 200
    notFound: new Set(),  // holds a server later said it has never heard of (404 hold_not_found)
    lastSuccess: {},      // instance index -> time of its latest 2xx
    unexpected: [],     // answers no correct server gives (e.g. 500 with a body, or 409 on a fresh hold's checkout)
  };
}

function note(ledger, method, path, result) {
  ledger.requests++;
  const code = result.status >= 400 ? result.body?.error?.code : undefined;
  const route = `${method} ${path.replace(/hold_[0-9a-f]+/, '{id}')} ${result.status || result.error}${code ? ` ${code}` : ''}`;
  ledger.byRoute[route] = (ledger.byRoute[route] ?? 0) + 1;
}

/** A retryable outcome: no answer, or the server (or a database behind it) failing for now. */
const transient = (result) => result.status === 0 || result.status >= 500;

/**
 * Runs `count` shoppers until `stop.value` is set. `cluster.pick(random, attempt)` returns the base URL of a live
 * instance (attempt 0 = the shopper's own, then others) or null while none is up. `carts(random, shopper)` draws a
 * cart's lines. Options: hold and checkout timeouts, the share of holds released / abandoned, abandoned holds' TTL.
 */
export async function runShoppers({ count, cluster, carts, random, ledger, stop, timeoutMs = 2500,
  releaseShare = 0.15, abandonShare = 0.15, replayShare = 0.05, abandonTtlSeconds = [1, 4], checkoutTtlSeconds = 30,
  maxCheckoutAttempts = 8 }) {
  async function request(shopper, rnd, attempt, method, path, options) {
    let base;
    while (!(base = cluster.pick(shopper, attempt))) {
      if (stop.value) return { status: 0, error: 'stopped' };
      await sleep(50);
    }
    const result = await send(base.url, method, path, { timeoutMs, ...options });
    note(ledger, method, path, result);
    result.instance = base.index;
    if (result.status >= 200 && result.status < 300) ledger.lastSuccess[base.index] = Date.now();
    if (result.status === 404 && result.body?.error?.code === 'hold_not_found')
      ledger.notFound.add(options.body?.holdId ?? path.split('/')[3]);
    return result;
  }

  async function checkout(shopper, rnd, hold, digest, key) {
    const record = { holdId: hold.id, key, digest, attempts: [], answer: null };
    ledger.checkouts.set(`${hold.id} ${key}`, record);
    for (let attempt = 0; attempt < maxCheckoutAttempts; attempt++) {
      if (attempt > 0) {
        ledger.retries++;
        await sleep(rnd.int(50, 300));
      }
      const result = await request(shopper, rnd, attempt, 'POST', '/v1/checkout',
        { body: { holdId: hold.id, quoteDigest: digest }, headers: { 'idempotency-key': key } });
      record.attempts.push({ instance: result.instance, status: result.status, error: result.error,
        orderId: result.body?.order?.id, at: Date.now() });
      if (transient(result)) {
        if (stop.value && result.error === 'stopped') return record;
        continue;
      }
      record.answer = result;
      return record;
    }
    return record;  // no answer after every attempt: resolved by the checker's replay afterwards
  }

  async function shop(shopper) {
    const rnd = random.fork();
    while (!stop.value) {
      const lines = carts(rnd, shopper);
      const roll = rnd();
      const plan = roll < abandonShare ? 'abandon' : roll < abandonShare + releaseShare ? 'release' : 'checkout';
      const ttlSeconds = plan === 'abandon' ? rnd.int(...abandonTtlSeconds) : checkoutTtlSeconds;
      const placed = await request(shopper, rnd, 0, 'POST', '/v1/holds', { body: { cart: { lines }, ttlSeconds } });
      if (placed.status === 201) {
        const hold = placed.body.hold;
        ledger.holds.set(hold.id, { id: hold.id, lines, ttlSeconds, plan, instance: placed.instance,
          placedAt: Date.now(), createdAt: Date.parse(hold.createdAt), expiresAt: Date.parse(hold.expiresAt),
          allocations: hold.lines });
        if (plan === 'checkout') {
          let record = await checkout(shopper, rnd, hold, hold.quoteDigest, `ck-${shopper}-${hold.id}`);
          if (record.answer?.status === 409 && record.answer.body?.error?.code === 'price_changed') {
            // The shopper accepts the new price: a new request, so a new key.
            ledger.priceChanges++;
            record = await checkout(shopper, rnd, hold, record.answer.body.error.currentDigest,
              `ck2-${shopper}-${hold.id}`);
          }
          if (record.answer?.status === 200 && rnd.chance(replayShare)) {
            // A double click: the same checkout again, through another instance; the stored answer comes back.
            ledger.replays.sent++;
            const again = await request(shopper, rnd, 1, 'POST', '/v1/checkout',
              { body: { holdId: hold.id, quoteDigest: record.digest }, headers: { 'idempotency-key': record.key } });
            if (again.status === 200 && again.text === record.answer.text) ledger.replays.identical++;
            else if (!transient(again))
              ledger.replays.different.push({ holdId: hold.id, first: record.answer.text, second: again.text ?? again.error });
          }
        } else if (plan === 'release') {
          for (let attempt = 0; attempt < 4; attempt++) {
            if (attempt > 0) ledger.retries++;
            const released = await request(shopper, rnd, attempt, 'DELETE', `/v1/holds/${hold.id}`, {});
            if (released.status === 200) {
              ledger.releases.ok++;
              ledger.released.set(hold.id, Date.now());
            } else if (released.status === 409 || released.status === 404) ledger.releases.notActive++;
            else if (transient(released)) {
              if (attempt === 3) ledger.releases.unknown++;
              continue;
            } else ledger.unexpected.push({ what: 'release', hold: hold.id, status: released.status, body: released.body });
            break;
          }
        }
      } else if (placed.status === 409 && placed.body?.error?.code === 'insufficient_stock') {
        ledger.holdsRefused++;
        await sleep(rnd.int(5, 50));  // a sold-out shopper presses "buy" again soon
      } else if (transient(placed)) {
        ledger.holdsUnknown++;
        await sleep(rnd.int(20, 100));
      } else {
        ledger.unexpected.push({ what: 'hold', status: placed.status, body: placed.body });
      }
    }
  }

  await Promise.all(Array.from({ length: count }, (_, shopper) => shop(shopper)));
}

/**
 * After the run: every checkout that never got an answer is sent once more with its key through `base` (every
 * instance is up and healthy by now). The answer is its final outcome: a replay of the order it made, or the
 * refusal of a hold that never became an order. Returns how many were resolved this way.
 */
export async function resolveUnanswered(ledger, base, timeoutMs = 10000) {
  let resolved = 0;
  for (const record of ledger.checkouts.values()) {
    if (record.answer) continue;
    const result = await send(base, 'POST', '/v1/checkout',
      { body: { holdId: record.holdId, quoteDigest: record.digest }, headers: { 'idempotency-key': record.key }, timeoutMs });
    note(ledger, 'POST', '/v1/checkout', result);
    record.attempts.push({ instance: 'after', status: result.status, error: result.error, orderId: result.body?.order?.id,
      at: Date.now() });
    if (!transient(result)) {
      record.answer = result;
      record.resolvedAfterRun = true;
      resolved++;
    }
  }
  return resolved;
}
