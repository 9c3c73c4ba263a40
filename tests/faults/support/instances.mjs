// SPDX-License-Identifier: MIT
// Server instances that can be killed (-9) and restarted on the same database, and the "load balancer" the
// shoppers use to reach them. A restarted instance listens on a new port (port 0), as a replaced machine would.
import { startServer } from '../../server/helpers.mjs';

export class Instance {
  /** `db`: a SQLite path or a postgresql:// URL; `args`: the server's other options. */
  constructor(index, { db, args = [] }) {
    this.index = index;
    this.db = db;
    this.args = args;
    this.server = null;
    this.up = false;
    this.starts = 0;
    this.log = [];  // stderr of earlier lives, for a failure report
  }

  get url() {
    return this.server.base;
  }

  async start() {
    this.server = await startServer({ db: this.db, args: this.args });
    this.starts++;
    this.up = true;
  }

  /** kill -9: in-flight requests lose their answers, nothing is flushed or cleaned up. */
  async crash() {
    this.up = false;
    await this.server.crash();
    this.log.push(this.server.stderr());
  }

  async stop() {
    if (!this.server) return;
    this.up = false;
    await this.server.stop();
    this.log.push(this.server.stderr());
  }

  /** Everything the instance wrote on stderr, over all its lives. */
  stderr() {
    return [...this.log, this.up ? this.server.stderr() : ''].join('\n--- restart ---\n');
  }
}

/**
 * Routes requests as a load balancer with health checks would: only to instances that are up. A shopper's first
 * attempt goes to "its" instance, each retry to the next one, so a retry after a lost answer lands elsewhere.
 */
export function balancer(instances) {
  return {
    pick(shopper, attempt) {
      const live = instances.filter((i) => i.up);
      if (!live.length) return null;
      const chosen = live[(shopper + attempt) % live.length];
      return { url: chosen.url, index: chosen.index };
    },
  };
}
