// SPDX-License-Identifier: MIT
#include "woo_webhook_receiver.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <cartcore/engine.hpp>
#include <cartcore/json.hpp>
#include <nlohmann/json.hpp>

#include "crypto.hpp"
#include "util.hpp"
#include "woo_catalog_mirror.hpp"
#include "woo_import.hpp"

namespace cartcore::server {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kRecentDeliveries = 4096;  // delivery ids remembered for duplicates (WooCommerce retries)
constexpr std::size_t kDeliveriesPerImport = 500;  // a burst is applied in batches, each imported once

/** WooCommerce's ping on webhook creation: an unsigned form post `webhook_id=<id>`. */
bool isPing(std::string_view body) {
  constexpr std::string_view prefix = "webhook_id=";
  if (!body.starts_with(prefix) || body.size() == prefix.size() || body.size() > prefix.size() + 20) return false;
  return body.substr(prefix.size()).find_first_not_of("0123456789") == std::string_view::npos;
}

bool isIntegerId(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_number_integer() && it->get<int64_t>() > 0;
}

/**
 * Whether the body is what WooCommerce sends for this resource and event: a deletion carries `{"id"}` alone (or
 * the trashed object), a product has a `type`, a coupon a `code`. Headers are not covered by the signature, so
 * this is what stops a captured body from being replayed under another topic.
 */
std::string shapeProblem(const json& body, std::string_view resource, std::string_view event) {
  if (!body.is_object() || !isIntegerId(body, "id")) return "the body is not a WooCommerce object with an integer id";
  const bool idOnly = body.size() == 1;
  if (event == "deleted") {
    if (idOnly || body.value("status", std::string()) == "trash") return {};
    return "a deletion carries only the object's id (or the trashed object), not a live object";
  }
  if (idOnly) return "a " + std::string(event) + " delivery carries the whole object, not just its id";
  if (resource == "product" && !(body.contains("type") && body["type"].is_string()))
    return "a product has a type; this body is not a product";
  if (resource == "coupon" && !(body.contains("code") && body["code"].is_string() && body.contains("discount_type")))
    return "a coupon has a code and a discount_type; this body is not a coupon";
  return {};
}

void logLine(json line) {
  line["event"] = "woocommerce_webhook";
  std::cerr << line.dump() << "\n";
}

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/** Writes `text` to `path` durably: a temporary file, fsync, then rename (a crash leaves no half a delivery). */
void writeDurably(const fs::path& path, const std::string& text) {
  fs::path temporary = path;
  temporary += ".partial";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + temporary.string());
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + temporary.string());
    }
    written += static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw std::runtime_error("cannot sync " + temporary.string());
  fs::rename(temporary, path);
}

}  // namespace

WooWebhookReceiver::WooWebhookReceiver(WooWebhookOptions options, Shop& shop, Metrics& metrics)
    : options_(std::move(options)), shop_(shop), metrics_(metrics) {
  if (options_.secrets.empty()) throw std::invalid_argument("WooCommerce webhooks need a secret");
  // Fails at start, not at the first webhook, when the directory is missing or its files are not JSON arrays.
  WooCatalogMirror check(options_.storeDirectory);
  queueDirectory_ = options_.storeDirectory / ".cartcore-webhooks";
  fs::create_directories(queueDirectory_);
  for (const auto& entry : fs::directory_iterator(queueDirectory_)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".partial")) {
      fs::remove(entry.path());  // never acknowledged: WooCommerce delivers it again
      continue;
    }
    ++queued_;
    nextSequence_ = std::max<uint64_t>(nextSequence_, std::strtoull(name.c_str(), nullptr, 10) + 1);
  }
}

WooWebhookReceiver::~WooWebhookReceiver() { stop(); }

void WooWebhookReceiver::start() {
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
}

void WooWebhookReceiver::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

ApiResponse WooWebhookReceiver::refuse(int status, std::string_view code, const std::string& message,
                                       const WooWebhookHeaders& headers) {
  metrics_.wooWebhooksRefused.fetch_add(1);
  logLine({{"outcome", "refused"},
           {"reason", code},
           {"topic", std::string(headers.topic)},
           {"deliveryId", std::string(headers.deliveryId)},
           {"webhookId", std::string(headers.webhookId)}});
  return errorResponse(status, code, message);
}

bool WooWebhookReceiver::seenRecently(const std::string& deliveryId) {
  if (recent_.count(deliveryId)) return true;
  recent_.insert(deliveryId);
  recentOrder_.push_back(deliveryId);
  if (recentOrder_.size() > kRecentDeliveries) {
    recent_.erase(recentOrder_.front());
    recentOrder_.pop_front();
  }
  return false;
}

ApiResponse WooWebhookReceiver::receive(std::string_view body, const WooWebhookHeaders& headers) {
  if (headers.signature.empty() && headers.topic.empty() && isPing(body)) {
    logLine({{"outcome", "ping"}, {"body", std::string(body)}});
    return {200, json{{"ok", true}, {"ping", true}}.dump()};
  }
  if (headers.signature.empty())
    return refuse(401, "signature_missing", "A WooCommerce webhook must carry X-WC-Webhook-Signature.", headers);
  auto secret = options_.secrets.find(std::string(headers.resource));
  if (secret == options_.secrets.end()) secret = options_.secrets.find("");
  // Compute the expected signature even for an unknown resource, so timing does not tell which resources exist.
  std::string expected = base64Encode(hmacSha256(secret == options_.secrets.end() ? std::string_view("\x01") : secret->second, body));
  if (!constantTimeEquals(expected, headers.signature) || secret == options_.secrets.end())
    return refuse(401, "signature_invalid", "X-WC-Webhook-Signature does not match the body and the shared secret.", headers);
  if (headers.topic != std::string(headers.resource) + "." + std::string(headers.event))
    return refuse(400, "topic_mismatch", "X-WC-Webhook-Topic does not agree with X-WC-Webhook-Resource and -Event.", headers);
  if (headers.resource != "product" && headers.resource != "coupon") {
    logLine({{"outcome", "ignored"}, {"topic", std::string(headers.topic)}});
    return {200, json{{"ok", true}, {"ignored", true}}.dump()};
  }
  // The strict reader, as for every other body: the queued entry below copies and dumps the body, which must not
  // recurse through a deeply nested one. WooCommerce's and its plugins' keys may be of any length.
  auto read = cartcore::parseStrictJson(body, {body.size(), cartcore::kMaxJsonDepth, SIZE_MAX, SIZE_MAX});
  const json parsed = read ? std::move(read).value() : json();
  const std::string problem = read ? shapeProblem(parsed, headers.resource, headers.event) : read.error().message;
  if (!problem.empty())
    return refuse(400, "topic_mismatch", "The body does not fit " + std::string(headers.topic) + ": " + problem + ".", headers);

  std::string deliveryId(headers.deliveryId);
  std::unique_lock lock(mutex_);
  if (!deliveryId.empty() && seenRecently(deliveryId)) {
    metrics_.wooWebhooksDuplicate.fetch_add(1);
    return {200, json{{"ok", true}, {"duplicate", true}}.dump()};
  }
  if (queued_ >= options_.maxQueued) {
    recent_.erase(deliveryId);  // not taken: its retry must be accepted
    return refuse(503, "webhook_queue_full", "Too many webhooks are waiting; WooCommerce will retry.", headers);
  }
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.json", static_cast<unsigned long long>(nextSequence_++));
  json entry = {{"resource", headers.resource}, {"event", headers.event}, {"deliveryId", deliveryId},
                {"topic", headers.topic}, {"body", parsed}};
  try {
    writeDurably(queueDirectory_ / name, entry.dump());
  } catch (const std::exception& e) {
    recent_.erase(deliveryId);
    lock.unlock();
    std::cerr << "cartcore-server: cannot queue a WooCommerce webhook: " << e.what() << "\n";
    return errorResponse(503, "webhook_queue_unavailable", "The webhook could not be stored; WooCommerce will retry.");
  }
  ++queued_;
  lock.unlock();
  wake_.notify_one();
  metrics_.wooWebhooksAccepted.fetch_add(1);
  return {202, json{{"ok", true}, {"queued", true}}.dump()};
}

void WooWebhookReceiver::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_ || queued_ > 0; });
      if (stopping_) return;
      if (queued_ == 0) continue;
    }
    try {
      drainQueue();
    } catch (const std::exception& e) {
      // The queued files stay; the next round tries again.
      std::cerr << "cartcore-server: applying WooCommerce webhooks failed (will retry): " << e.what() << "\n";
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  }
}

void WooWebhookReceiver::drainQueue() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(queueDirectory_))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());  // zero-padded sequence numbers: arrival order
  if (files.size() > kDeliveriesPerImport) files.resize(kDeliveriesPerImport);
  WooCatalogMirror mirror(options_.storeDirectory);
  bool changed = false;
  for (const auto& file : files) {
    json entry = json::parse(readAll(file), nullptr, false);
    MirrorChange change = MirrorChange::Ignored;
    if (entry.is_object() && entry.contains("body")) {
      change = mirror.apply({entry.value("resource", ""), entry.value("event", ""), entry["body"]});
    }
    changed |= change == MirrorChange::Applied;
    json line = {{"outcome", mirrorChangeName(change)},
                 {"topic", entry.value("topic", "")},
                 {"deliveryId", entry.value("deliveryId", "")}};
    // A moved stock quantity is ours coming back or the merchant's edit (applied before the mirror is saved: a
    // crash in between replays the delivery, and the edit's key makes it apply once).
    if (const auto& stock = mirror.stockChange()) {
      std::string outcome =
          shop_.applyWooStockReport(stock->productId, stock->variationId, stock->previous, stock->quantity, stock->modified);
      line["stock"] = outcome;
      if (change == MirrorChange::Echo && outcome != "echo") line["outcome"] = "stock_edit";
      if (outcome == "echo") metrics_.wooWebhookEchoes.fetch_add(1);
      if (outcome == "stock_edit_applied") metrics_.wooStockEditsApplied.fetch_add(1);
    } else if (change == MirrorChange::Echo) {
      metrics_.wooWebhookEchoes.fetch_add(1);
    }
    logLine(line);
  }
  mirror.save();
  if (changed) importAndActivate();
  for (const auto& file : files) fs::remove(file);
  std::lock_guard lock(mutex_);
  queued_ -= std::min(queued_, files.size());
}

void WooWebhookReceiver::importAndActivate() {
  json active = json::parse(shop_.getConfig().body, nullptr, false);
  import::WooImportInputs inputs;
  inputs.apiDirectory = options_.storeDirectory.string();
  // Keep the name the merchant gave the imported store; the rest comes from the saved settings files.
  if (active.is_object() && active["config"].is_object() && active["config"]["store"].is_object())
    inputs.map.storeName = active["config"]["store"].value("name", inputs.map.storeName);
  import::WooImportResult imported;
  try {
    imported = import::importWooCommerce(inputs);
  } catch (const import::ImportError& e) {
    logLine({{"outcome", "import_failed"}, {"reason", e.what()}});
    return;
  }
  std::string text = imported.config.dump(2) + "\n";
  auto compiled = cartcore::Engine::compile(text);
  if (!compiled) {
    logLine({{"outcome", "import_invalid"}, {"reason", cartcore::renderError(compiled.error())}});
    return;
  }
  // The variants and links before activation: a variant new to the catalog starts from WooCommerce's quantity.
  auto linksNow = [this] {
    std::map<std::string, std::pair<json, json>> links;
    json stock = json::parse(shop_.listStock().body, nullptr, false);
    if (stock.is_object() && stock["stock"].is_array())
      for (const auto& level : stock["stock"])
        links[level.value("variant", "")] = {level.value("wooProductId", json()), level.value("wooVariationId", json())};
    return links;
  };
  const auto before = linksNow();
  if (active.is_object() && active.value("configDigest", "") == compiled.value().configDigest()) {
    logLine({{"outcome", "catalog_unchanged"}});
  } else {
    ApiResponse put = shop_.putConfig(text);
    json answer = json::parse(put.body, nullptr, false);
    logLine({{"outcome", put.status == 200 ? "config_activated" : "config_refused"},
             {"version", answer.is_object() ? answer.value("version", json()) : json()}});
    if (put.status != 200) return;
    metrics_.wooCatalogImports.fetch_add(1);
  }
  // Link new variants, and those whose WooCommerce object changed (e.g. a variation's stock moved to its product).
  json levels = json::object();
  for (const auto& [variant, link] : imported.stock) {
    json productId = link.productId, variationId = link.variationId ? json(*link.variationId) : json(nullptr);
    auto had = before.find(variant);
    if (had != before.end() && had->second == std::pair{productId, variationId}) continue;
    json level = {{"wooProductId", productId}, {"wooVariationId", variationId}};
    if (had == before.end() && link.onHand) level["onHand"] = *link.onHand;
    levels[variant] = std::move(level);
  }
  if (!levels.empty()) {
    ApiResponse put = shop_.putStockBulk(json{{"levels", levels}}.dump());
    if (put.status != 200) logLine({{"outcome", "stock_links_refused"}, {"answer", json::parse(put.body, nullptr, false)}});
  }
}

}  // namespace cartcore::server
