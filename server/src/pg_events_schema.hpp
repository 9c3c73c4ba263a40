// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::server {

/** PostgreSQL schema migration 5: the config's facts per variant, per-endpoint event kinds, the outbox by age. */
const char* pgEventsMigration();

/** The functions that append events to the outbox, CREATE OR REPLACE (see pg_schema.cpp). */
const char* pgEventFunctions();

}  // namespace cartcore::server
