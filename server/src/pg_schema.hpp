// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "pg_db.hpp"

namespace cartcore::server {

/**
 * Brings a PostgreSQL database to the newest schema version. Each migration runs once, in its own transaction, in
 * version order; an advisory lock serializes instances that start at the same time, so exactly one of them applies
 * each migration and the others wait and then find it applied. Throws if the database is newer than this binary.
 */
void migratePostgres(PgConnection& connection);

/** The newest schema version this binary knows. */
int postgresSchemaVersion();

}  // namespace cartcore::server
