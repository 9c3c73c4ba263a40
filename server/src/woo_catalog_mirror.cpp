// SPDX-License-Identifier: MIT
#include "woo_catalog_mirror.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cartcore::server {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

/** Fields our own stock push changes (manage_stock: it turns stock management on), and those WooCommerce moves
 *  with any save. */
const std::set<std::string> kVolatileFields = {"date_modified", "date_modified_gmt", "stock_quantity", "stock_status",
                                               "manage_stock", "_links", "total_sales"};

json withoutVolatileFields(json object) {
  for (const auto& field : kVolatileFields) object.erase(field);
  // A variation saved from the export lacks the type and parent_id its webhook carries; the file already says both.
  if (object.value("type", std::string()) == "variation") object.erase("type"), object.erase("parent_id");
  return object;
}

int64_t idOf(const json& object) {
  auto it = object.find("id");
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string modifiedOf(const json& object) {
  auto it = object.find("date_modified_gmt");
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> quantityOf(const json& object) {
  auto it = object.find("stock_quantity");
  return it != object.end() && it->is_number_integer() ? std::optional<int64_t>(it->get<int64_t>()) : std::nullopt;
}

/** The delivered object's own managed quantity, when it moved (manage_stock "parent" keeps it on the parent). */
std::optional<WooStockChange> managedStockChange(const json& existing, const json& delivered) {
  auto manage = delivered.find("manage_stock");
  std::optional<int64_t> quantity = quantityOf(delivered);
  if (manage == delivered.end() || *manage != true || !quantity || quantity == quantityOf(existing)) return std::nullopt;
  WooStockChange change;
  auto parent = delivered.find("parent_id");
  bool variation = delivered.value("type", std::string()) == "variation" && parent != delivered.end() &&
                   parent->is_number_integer() && parent->get<int64_t>() > 0;
  change.productId = variation ? parent->get<int64_t>() : idOf(delivered);
  if (variation) change.variationId = idOf(delivered);
  change.previous = quantityOf(existing);
  change.quantity = *quantity;
  change.modified = modifiedOf(delivered);
  return change;
}

}  // namespace

const char* mirrorChangeName(MirrorChange change) {
  switch (change) {
    case MirrorChange::Applied: return "applied";
    case MirrorChange::Echo: return "echo";
    case MirrorChange::Unchanged: return "unchanged";
    case MirrorChange::Stale: return "stale";
    case MirrorChange::Ignored: return "ignored";
  }
  return "ignored";
}

WooCatalogMirror::WooCatalogMirror(fs::path directory) : directory_(std::move(directory)) {
  if (!fs::is_directory(directory_))
    throw std::runtime_error(directory_.string() + " is not a directory (the REST export the store was imported from)");
  listFor("products.json");
  listFor("coupons.json");
}

json& WooCatalogMirror::listFor(const std::string& file) {
  auto it = lists_.find(file);
  if (it != lists_.end()) return it->second;
  json list = json::array();
  fs::path path = directory_ / file;
  if (fs::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    list = json::parse(text.str(), nullptr, false);
    if (!in || !list.is_array()) throw std::runtime_error(path.string() + " is not a JSON array of the endpoint's objects");
  }
  return lists_.emplace(file, std::move(list)).first->second;
}

MirrorChange WooCatalogMirror::upsert(const std::string& file, const json& object) {
  json& list = listFor(file);
  const int64_t id = idOf(object);
  for (auto& existing : list) {
    if (idOf(existing) != id) continue;
    if (existing == object) return MirrorChange::Unchanged;
    // ISO 8601 UTC text of one format compares in time order.
    std::string had = modifiedOf(existing), got = modifiedOf(object);
    if (!had.empty() && !got.empty() && got < had) return MirrorChange::Stale;
    bool echo = withoutVolatileFields(existing) == withoutVolatileFields(object);
    stockChange_ = managedStockChange(existing, object);
    existing = object;  // keep the newest stock fields too: a later import's stock file reads them
    dirty_.insert(file);
    return echo ? MirrorChange::Echo : MirrorChange::Applied;
  }
  list.push_back(object);
  dirty_.insert(file);
  return MirrorChange::Applied;
}

MirrorChange WooCatalogMirror::erase(int64_t id, const std::string& resource) {
  auto removeFrom = [&](const std::string& file) {
    json& list = listFor(file);
    auto before = list.size();
    json kept = json::array();
    for (auto& object : list)
      if (idOf(object) != id) kept.push_back(std::move(object));
    list = std::move(kept);
    if (list.size() == before) return false;
    dirty_.insert(file);
    return true;
  };
  if (resource == "coupon") return removeFrom("coupons.json") ? MirrorChange::Applied : MirrorChange::Ignored;
  bool removed = removeFrom("products.json");
  if (removed) {
    // The product's variations go with it.
    std::string variations = "products/" + std::to_string(id) + "/variations.json";
    if (!listFor(variations).empty()) {
      listFor(variations) = json::array();
      dirty_.insert(variations);
    }
    return MirrorChange::Applied;
  }
  // A deletion names only an id: it may be a variation, in any product's file.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_ / "products", ec)) {
    if (!entry.is_directory()) continue;
    std::string file = "products/" + entry.path().filename().string() + "/variations.json";
    if (fs::exists(directory_ / file) && removeFrom(file)) return MirrorChange::Applied;
  }
  for (auto& [file, list] : lists_)
    if (file.ends_with("/variations.json") && removeFrom(file)) return MirrorChange::Applied;
  return MirrorChange::Ignored;
}

MirrorChange WooCatalogMirror::apply(const WooDelivery& delivery) {
  stockChange_.reset();
  const json& body = delivery.body;
  const int64_t id = idOf(body);
  if (id <= 0 || (delivery.resource != "product" && delivery.resource != "coupon")) return MirrorChange::Ignored;
  // Trashing a product or coupon sends its full body with status "trash": it leaves the catalog like a deletion.
  bool trashed = body.value("status", std::string()) == "trash";
  if (delivery.event == "deleted" || trashed) return erase(id, delivery.resource);
  if (delivery.resource == "coupon") return upsert("coupons.json", body);
  if (body.value("type", std::string()) == "variation") {
    auto parent = body.find("parent_id");
    if (parent == body.end() || !parent->is_number_integer() || parent->get<int64_t>() <= 0) return MirrorChange::Ignored;
    return upsert("products/" + std::to_string(parent->get<int64_t>()) + "/variations.json", body);
  }
  return upsert("products.json", body);
}

void WooCatalogMirror::save() {
  for (const auto& file : dirty_) {
    fs::path path = directory_ / file;
    fs::create_directories(path.parent_path());
    fs::path temporary = path;
    temporary += ".partial-" + std::to_string(::getpid());
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << lists_.at(file).dump(1) << "\n";
      out.close();
      if (!out) throw std::runtime_error("cannot write " + temporary.string());
    }
    fs::rename(temporary, path);
  }
  dirty_.clear();
}

}  // namespace cartcore::server
