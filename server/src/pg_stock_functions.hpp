// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::server {

/** The stock, hold and checkout functions, CREATE OR REPLACE, in their current versions (see pg_schema.cpp). */
const char* pgStockFunctions();

}  // namespace cartcore::server
