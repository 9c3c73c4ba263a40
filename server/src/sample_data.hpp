// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::server {

/** server/sample-store.json and server/sample-stock.json, compiled in so a fresh server starts with no files. */
extern const char* const kSampleStoreConfig;
extern const char* const kSampleStock;

}  // namespace cartcore::server
