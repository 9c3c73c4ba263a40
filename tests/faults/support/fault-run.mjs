// SPDX-License-Identifier: MIT
// Running a fault schedule against live processes, and the report of how hard a run pushed.

const sleepUntil = (time) => new Promise((r) => setTimeout(r, Math.max(0, time - Date.now())));

/**
 * Injects each fault of `schedule` at `startedAt + fault.at` and heals it `fault.duration` later. `actions[kind]`
 * injects one fault and returns the function that heals it. Faults overlap as scheduled. Returns the log:
 * [{ ...fault, began, healed }] with wall-clock times, for the checker (e.g. which holds were placed just before the
 * database was killed).
 */
export async function runSchedule(schedule, actions, startedAt) {
  const log = [];
  await Promise.all(schedule.map(async (fault) => {
    await sleepUntil(startedAt + fault.at);
    const name = `${fault.kind}${fault.instance === undefined ? '' : ` of instance ${fault.instance}`}`;
    const heal = await actions[fault.kind](fault);
    const began = Date.now();  // once injected: an action may first wait (e.g. for the last restart to finish)
    // On stderr as it happens, so a run that hangs shows which fault it hangs in.
    console.error(`fault at ${((began - startedAt) / 1000).toFixed(1)} s: ${name}`);
    await sleepUntil(began + fault.duration);
    await heal();
    console.error(`healed at ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${name}`);
    log.push({ ...fault, began, healed: Date.now() });
  }));
  return log.sort((a, b) => a.began - b.began);
}

/** Waits until `predicate()` holds, polling; throws with `what` after `timeoutMs`. */
export async function waitFor(predicate, what, timeoutMs = 30000, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Runs `work(item)` over `items`, at most `concurrency` at a time; returns the results in order. */
export async function mapConcurrent(items, concurrency, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  }));
  return results;
}

/**
 * The run's figures as a readable block: requests by route and answer, faults by kind and when each began (seconds
 * after `startedAt`) and lasted, what the checks counted.
 */
export function report({ title, seed, seconds, startedAt, ledger, faults, figures }) {
  const faultCounts = {};
  for (const fault of faults) faultCounts[fault.kind] = (faultCounts[fault.kind] ?? 0) + 1;
  const routes = Object.entries(ledger.byRoute).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `${title} (seed ${seed}, ${seconds.toFixed(1)} s of load)`,
    `  requests: ${ledger.requests} (${(ledger.requests / seconds).toFixed(0)}/s); retries after a lost answer or 5xx: ` +
      `${ledger.retries}; deliberate duplicate checkouts: ${ledger.replays.sent} (${ledger.replays.identical} identical replays)`,
    ...routes.map(([route, n]) => `    ${route}: ${n}`),
    `  faults injected: ${faults.length} (${Object.entries(faultCounts).map(([k, n]) => `${k} ${n}`).join(', ')})`,
    ...faults.map((f) => `    at ${((f.began - startedAt) / 1000).toFixed(1)} s for ${((f.healed - f.began) / 1000).toFixed(1)} s: ` +
      `${f.kind}${f.instance === undefined ? '' : ` of instance ${f.instance}`}${f.latencyMs ? ` (+${f.latencyMs} ms)` : ''}`),
    `  holds: ${ledger.holds.size} placed, ${ledger.holdsRefused} refused for stock, ${ledger.holdsUnknown} unanswered; ` +
      `releases ${ledger.releases.ok} ok / ${ledger.releases.notActive} not active / ${ledger.releases.unknown} unanswered`,
    ...Object.entries(figures).map(([name, value]) => `  ${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`),
  ];
  return lines.join('\n');
}
