// SPDX-License-Identifier: MIT
// The merchant dashboard's static files at /admin/, served from the copies compiled into the binary.
#include "dashboard_assets.hpp"

#include <optional>
#include <string_view>

namespace cartcore::server {

namespace {

/**
 * Everything the page loads is its own file from this server: no inline script or style, no eval, no other
 * origin. The key travels only in fetch() headers to 'self'; forms never submit (the page handles them), so a
 * broken script cannot put the key into a URL; no page may frame the dashboard.
 */
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void addPageHeaders(ApiResponse& response) {
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
}

ApiResponse withPageHeaders(ApiResponse response) {
  addPageHeaders(response);
  return response;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/** RFC 9110 13.1.2: If-None-Match is "*" or a list of entity tags, compared weakly (a W/ prefix is ignored). */
bool matchesAny(std::string_view ifNoneMatch, std::string_view etag) {
  while (!ifNoneMatch.empty()) {
    std::size_t comma = ifNoneMatch.find(',');
    std::string_view candidate = trim(ifNoneMatch.substr(0, comma));
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == "*" || candidate == etag) return true;
    if (comma == std::string_view::npos) break;
    ifNoneMatch.remove_prefix(comma + 1);
  }
  return false;
}

const DashboardAsset* findAsset(std::string_view name) {
  for (std::size_t i = 0; i < kDashboardAssetCount; ++i)
    if (name == kDashboardAssets[i].path) return &kDashboardAssets[i];
  return nullptr;
}

/** "vendor/uPlot.esm.js" from {"admin", "vendor", "uPlot.esm.js"}; nothing for a dot segment or an encoded slash. */
std::optional<std::string> assetName(const std::vector<std::string>& path) {
  std::string name;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const std::string& segment = path[i];
    // Names are looked up in a fixed table, so these could never reach a file anyway; refusing them keeps the
    // rule obvious: one segment is one plain name.
    if (segment.empty() || segment.front() == '.' || segment.find_first_of("/\\") != std::string::npos)
      return std::nullopt;
    if (!name.empty()) name += '/';
    name += segment;
  }
  return name;
}

}  // namespace

ApiResponse serveDashboard(const ApiRequest& request, const std::vector<std::string>& path) {
  if (request.method != "GET" && request.method != "HEAD") {
    ApiResponse refusal = errorResponse(405, "method_not_allowed", "The dashboard's files are read with GET.");
    refusal.headers.emplace_back("Allow", "GET, HEAD");
    return withPageHeaders(std::move(refusal));
  }
  std::string_view rawPath = request.target.substr(0, request.target.find('?'));
  auto name = assetName(path);
  if (name && name->empty()) {
    // The page's relative URLs ("app.mjs") resolve against /admin/, so /admin itself must redirect there.
    if (!rawPath.ends_with('/')) {
      ApiResponse redirect{308, "", "text/plain; charset=utf-8"};
      redirect.headers.emplace_back("Location", "/admin/");
      return withPageHeaders(std::move(redirect));
    }
    *name = "index.html";
  } else if (name && rawPath.ends_with('/')) {
    name.reset();  // a file's name ends the path: "index.html/" would resolve the page's URLs one level too deep
  }
  const DashboardAsset* asset = name ? findAsset(*name) : nullptr;
  if (!asset) return withPageHeaders(errorResponse(404, "not_found", "The dashboard has no file at this path."));

  ApiResponse response{200, "", asset->contentType};
  // no-cache = "revalidate before each use": a new binary may serve new files under the same names, and the
  // revalidation costs a 304 without a body.
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("ETag", asset->etag);
  if (matchesAny(request.ifNoneMatch, asset->etag)) {
    response.status = 304;
  } else {
    response.body.assign(reinterpret_cast<const char*>(asset->bytes), asset->size);
  }
  return withPageHeaders(std::move(response));
}

}  // namespace cartcore::server
