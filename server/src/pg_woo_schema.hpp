// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::server {

/** PostgreSQL schema migration 6: WooCommerce sync state (delivered levels, last quantities sent, applied edits). */
const char* pgWooSyncMigration();

}  // namespace cartcore::server
