// SPDX-License-Identifier: MIT
// Seeded randomness and the fault schedule: the same seed gives the same faults at the same offsets, so a failing
// run can be replayed (CARTCORE_FAULT_SEED=<seed>).

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));  // inclusive bounds
  next.pick = (list) => list[Math.floor(next() * list.length)];
  next.chance = (p) => next() < p;
  /** An independent generator derived from this one (so adding draws in one place does not shift another). */
  next.fork = () => seededRandom(Math.floor(next() * 4294967296));
  return next;
}

/**
 * The fault kinds a schedule draws from, with how long each lasts (ms, inclusive range):
 * - kill-instance: kill -9 of one server instance, restarted after the duration
 * - kill-postgres: kill -9 of the PostgreSQL postmaster and its backends, restarted after the duration
 * - cut-instance: the instance's proxy to PostgreSQL resets every connection and refuses new ones
 * - partition-instance: the instance's proxy holds every byte (connections hang) until the link heals
 * - slow-instance: the instance's proxy adds latency (`latencyMs`) to every chunk both ways
 * - receiver-outage: the webhook receiver answers 503 to everything
 */
export const FAULT_KINDS = {
  'kill-instance': { duration: [800, 2500] },
  'kill-postgres': { duration: [300, 1500] },
  'cut-instance': { duration: [1500, 4000] },
  'partition-instance': { duration: [1500, 4000] },
  'slow-instance': { duration: [2000, 5000], latencyMs: [30, 250] },
  'receiver-outage': { duration: [1000, 4000] },
};

/**
 * A fault schedule over `durationMs`: each kind in `kinds` at least `minimumPerKind` times, then more drawn at
 * random, each starting `gapMs` (a range) after the previous one started, so faults overlap now and then.
 * Instance faults pick one of `instances`; at most one instance is down (killed) at a time, so the other instances
 * keep serving (a kill due while another instance is down waits for its restart), and likewise one database kill. Returns [{ at, kind, instance?, duration, latencyMs? }] sorted by `at`.
 */
export function faultSchedule({ seed, durationMs, instances, kinds = Object.keys(FAULT_KINDS), minimumPerKind = 1,
  gapMs = [1200, 3000] }) {
  const random = seededRandom(seed);
  const starts = [];
  for (let at = random.int(500, 1500); at < durationMs; at += random.int(gapMs[0], gapMs[1])) starts.push(at);
  // Guaranteed kinds first, spread over the run by a seeded shuffle; then random kinds for the remaining slots.
  const order = kinds.flatMap((kind) => Array(minimumPerKind).fill(kind));
  if (order.length > starts.length)
    throw new Error(`${durationMs} ms is too short for ${order.length} faults at the given gaps`);
  while (order.length < starts.length) order.push(random.pick(kinds));
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const faults = [];
  const downUntil = { 'kill-instance': 0, 'kill-postgres': 0 };
  starts.forEach((at, i) => {
    const kind = order[i];
    const spec = () => FAULT_KINDS[kind];
    // A second kill while another instance is still down would leave too few to serve, and a database is killed
    // again only once it is back: such a kill waits for the restart.
    if (kind in downUntil && at < downUntil[kind]) at = downUntil[kind] + 200;
    const duration = Math.max(0, Math.min(random.int(...spec().duration), durationMs - at));
    const fault = { at, kind, duration };
    if (kind.endsWith('-instance')) fault.instance = random.int(0, instances - 1);
    if (spec().latencyMs) fault.latencyMs = random.int(...spec().latencyMs);
    if (kind in downUntil) downUntil[kind] = at + duration;
    faults.push(fault);
  });
  return faults.sort((a, b) => a.at - b.at);
}

/** Counts of a schedule's faults by kind, for the report. */
export function countByKind(faults) {
  const counts = {};
  for (const fault of faults) counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
  return counts;
}
