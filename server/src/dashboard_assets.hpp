// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "api.hpp"

namespace cartcore::server {

/** One file of the merchant dashboard, compiled into the binary by server/embed-dashboard.cmake. */
struct DashboardAsset {
  const char* path;          // as served under /admin/, e.g. "app.mjs" or "vendor/uPlot.esm.js"
  const char* contentType;   // from the file's extension
  const unsigned char* bytes;
  std::size_t size;
  const char* etag;          // strong validator: the quoted first 32 hex digits of the bytes' SHA-256
};

/** The embedded files (generated); a handful, so a lookup is a linear scan over at most this many. */
extern const DashboardAsset kDashboardAssets[];
extern const std::size_t kDashboardAssetCount;

/**
 * GET or HEAD of `/admin` and below (`path` = the decoded segments, path[0] == "admin"): the embedded file with
 * its Content-Type, a strict Content-Security-Policy, `Cache-Control: no-cache` and an ETag (304 on a match).
 * Only names in the embedded table are served, so no path can reach the file system.
 */
ApiResponse serveDashboard(const ApiRequest& request, const std::vector<std::string>& path);

}  // namespace cartcore::server
