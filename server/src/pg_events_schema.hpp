// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::server {

/** PostgreSQL schema migration 5: hold, low-stock and config events on the outbox; per-endpoint event kinds. */
const char* pgEventsMigration();

}  // namespace cartcore::server
