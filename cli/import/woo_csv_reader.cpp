// SPDX-License-Identifier: MIT
// The product CSV of Products → Export → WooCommerce's WC_Product_CSV_Exporter
// (plugins/woocommerce/includes/export/class-wc-product-csv-exporter.php and abstract-wc-csv-exporter.php):
// one row per product and per variation, English column labels from get_default_column_names(), then
// "Attribute N name/value(s)/visible/global/default" and "Meta: <key>" columns. Multi-value cells are joined with
// ", " and literal commas escaped as "\,"; cells starting with = + - @ are prefixed with ' against CSV injection;
// dates are the site's local time as 'Y-m-d G:i:s'; "Parent" is the parent's SKU or "id:<ID>".
#include <map>
#include <regex>
#include <set>

#include "csv_table.hpp"
#include "text_input.hpp"
#include "woo_dates.hpp"
#include "woo_readers.hpp"

namespace cartcore::import {

namespace {

// English labels the exporter writes, and the raw column ids WooCommerce's importer also accepts.
const std::map<std::string, std::string> kColumnIds = {
    {"ID", "id"}, {"Type", "type"}, {"SKU", "sku"}, {"Name", "name"}, {"Published", "published"},
    {"Date sale price starts", "date_on_sale_from"}, {"Date sale price ends", "date_on_sale_to"},
    {"Tax status", "tax_status"}, {"Tax class", "tax_class"}, {"Low stock amount", "low_stock_amount"},
    {"Sale price", "sale_price"}, {"Regular price", "regular_price"}, {"Categories", "category_ids"},
    {"Parent", "parent_id"}, {"Cost of goods", "cogs_value"}, {"Stock", "stock"}};

/** Undoes the exporter's CSV-injection guard: "'-5" was "-5". */
std::string unescapeCell(std::string cell) {
  if (cell.size() >= 2 && cell[0] == '\'' && std::string_view("=+-@\t\r").find(cell[1]) != std::string_view::npos) cell.erase(0, 1);
  return cell;
}

std::string trim(std::string s) {
  std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string slugify(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out.push_back(static_cast<char>(c));
    else if (!out.empty() && out.back() != '-') out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

void readProductCsv(const std::string& path, const ReadOptions& options, WooStore& store, ImportReport& report) {
  DecodedText text = decodeText(readFileLimited(path, options.maxFileBytes), path);
  if (text.windows1252Line) {
    report.add(Severity::Warning, path + " line " + std::to_string(*text.windows1252Line), "not_utf8",
               std::to_string(text.windows1252Bytes) + " byte(s) are not UTF-8 and were read as Windows-1252 (a spreadsheet re-save?); check the names");
  }
  std::vector<CsvRecord> records = parseCsv(text.utf8, path, {options.maxCsvRows + 1, 1 << 20});
  if (records.empty()) throw ImportError(path + ": empty file; expected WooCommerce's product CSV with a header row");

  // Header: known columns by id, attribute columns by number, meta columns by key.
  std::map<std::string, std::size_t> column;
  std::map<int, std::map<std::string, std::size_t>> attributeColumns;  // N -> {"name", "value", ...}
  std::vector<std::pair<std::string, std::size_t>> metaColumns;
  static const std::regex kAttribute(R"(Attribute (\d+) (name|value\(s\)|visible|global|default))");
  static const std::regex kWeight(R"(Weight \((.+)\))");
  static const std::regex kRawAttribute(R"(attributes:(name|value|visible|taxonomy|default)(\d+))");
  const auto& header = records[0].fields;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string label = trim(header[i]);
    std::smatch m;
    if (auto it = kColumnIds.find(label); it != kColumnIds.end()) column[it->second] = i;
    else if (std::regex_match(label, m, kAttribute)) attributeColumns[std::stoi(m[1])][m[2] == "value(s)" ? "value" : std::string(m[2])] = i;
    else if (std::regex_match(label, m, kRawAttribute)) attributeColumns[std::stoi(m[2])][m[1]] = i;
    else if (std::regex_match(label, m, kWeight)) {
      column["weight"] = i;
      store.weightUnitFromCsv = m[1];
    } else if (label.rfind("Meta: ", 0) == 0) metaColumns.emplace_back(label.substr(6), i);
    else if (label.rfind("meta:", 0) == 0) metaColumns.emplace_back(label.substr(5), i);
    else column[label] = i;  // raw column ids (id, type, regular_price, ...) pass through
  }
  for (const char* required : {"type", "regular_price"}) {
    if (!column.count(required)) {
      throw ImportError(path + ": no \"" + std::string(required == std::string("type") ? "Type" : "Regular price") +
                        "\" column; is this WooCommerce's product CSV (Products → Export)?");
    }
  }

  // Category name paths resolve to the slugs of products/categories.json when it was saved, else to slugified names.
  std::map<std::pair<int64_t, std::string>, int64_t> categoryByParentAndName;
  for (const auto& [id, c] : store.categories) categoryByParentAndName[{c.parent, c.name}] = id;
  auto categorySlugs = [&](const std::string& cell) {
    std::vector<std::string> slugs;
    for (const auto& path : splitCellValues(cell)) {
      int64_t parent = 0;
      bool resolved = !store.categories.empty();
      std::string start = path;
      for (std::size_t from = 0;;) {
        std::size_t sep = start.find(" > ", from);
        std::string name = trim(start.substr(from, sep == std::string::npos ? std::string::npos : sep - from));
        auto found = resolved ? categoryByParentAndName.find({parent, name}) : categoryByParentAndName.end();
        if (found != categoryByParentAndName.end()) {
          parent = found->second;
          slugs.push_back(store.categories.at(parent).slug);
        } else {
          resolved = false;
          slugs.push_back(slugify(name));
        }
        if (sep == std::string::npos) break;
        from = sep + 3;
      }
    }
    return slugs;
  };

  struct PendingVariation {
    std::size_t index;
    std::string parentRef;
  };
  std::vector<PendingVariation> variations;
  std::map<std::string, int64_t> idBySku;
  std::set<int64_t> productIds;
  std::size_t firstIndex = store.products.size();
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    auto cell = [&](const std::string& id) -> std::string {
      auto it = column.find(id);
      if (it == column.end() || it->second >= record.fields.size()) return "";
      return unescapeCell(trim(record.fields[it->second]));
    };
    // Prices are written with the shop's decimal separator (wc_format_localized_price); the model keeps '.'.
    auto amount = [&](const std::string& id) {
      std::string text = cell(id);
      if (options.decimalSeparator != '.') {
        for (char& c : text) c = c == options.decimalSeparator ? '.' : c;
      }
      return text;
    };
    WooProduct p;
    std::string idText = cell("id");
    p.id = !idText.empty() && idText.size() < 18 && idText.find_first_not_of("0123456789") == std::string::npos
               ? std::stoll(idText)
               : -static_cast<int64_t>(record.line);  // rows without an ID (new products) get a stand-in
    p.sku = cell("sku");
    p.name = cell("name");
    p.where = path + " line " + std::to_string(record.line) + " (ID " + idText + (p.sku.empty() ? "" : ", SKU " + p.sku) + ")";
    auto types = splitCellValues(cell("type"));
    p.type = types.empty() ? "simple" : types[0];
    std::string published = cell("published");
    p.status = published == "1" || published.empty() ? "publish" : published == "-1" ? "draft" : published == "2" ? "pending" : "private";
    p.regularPrice = amount("regular_price");
    p.salePrice = amount("sale_price");
    for (auto [key, target] : {std::pair{"date_on_sale_from", &p.saleFrom}, std::pair{"date_on_sale_to", &p.saleTo}}) {
      std::string date = cell(key);
      if (date.empty()) continue;
      *target = parseWooDate(date, options.utcOffsetMinutes);
      if (!*target) p.saleDatesUnreadable = true;
    }
    if (std::string s = cell("tax_status"); !s.empty()) p.taxStatus = s;
    p.taxClass = cell("tax_class");
    if (std::string low = cell("low_stock_amount"); !low.empty() && low.size() < 10 && low.find_first_not_of("0123456789") == std::string::npos) {
      p.lowStockAmount = std::stoll(low);
    }
    p.weight = cell("weight");
    // The exporter's "Stock" is the quantity when the row manages stock, "parent" for a variation whose product
    // does, and empty otherwise.
    if (std::string stock = cell("stock"); stock == "parent") {
      p.manageStock = "parent";
    } else if (std::string digits = stock.starts_with('-') ? stock.substr(1) : stock;
               !digits.empty() && digits.size() < 16 && digits.find_first_not_of("0123456789") == std::string::npos) {
      p.manageStock = "true";
      p.stockQuantity = std::stoll(stock);
    }
    p.categories = categorySlugs(cell("category_ids"));
    if (std::string cost = amount("cogs_value"); !cost.empty() && cost != "0") p.cost = cost;
    if (!p.cost) {
      std::vector<std::pair<std::string, std::string>> meta;
      for (const auto& [key, i] : metaColumns) {
        if (i < record.fields.size()) meta.emplace_back(key, trim(record.fields[i]));
      }
      p.cost = costFromMeta(meta);
    }
    for (const auto& [n, attributeCols] : attributeColumns) {
      // Clang 14 cannot capture a structured binding in a lambda (C++20 allows it; Clang 16 implements it).
      const auto& cols = attributeCols;
      auto get = [&](const char* k) {
        auto it = cols.find(k);
        return it == cols.end() || it->second >= record.fields.size() ? std::string() : unescapeCell(trim(record.fields[it->second]));
      };
      std::string name = get("name");
      if (name.empty()) continue;
      if (p.type == "variation") {
        // A variation row names its attributes with one value each; an empty value is WooCommerce's "any".
        std::string value = get("value");
        if (!value.empty()) p.variationAttributes.emplace_back(name, splitCellValues(value).empty() ? value : splitCellValues(value)[0]);
        else p.variationAttributes.emplace_back(name, "");
      } else {
        p.attributes.push_back({name, splitCellValues(get("value")), false});
      }
    }
    if (p.type == "variation") {
      variations.push_back({store.products.size(), cell("parent_id")});
    } else {
      if (!productIds.insert(p.id).second) {
        report.add(Severity::Warning, p.where, "duplicate_id", "ID " + idText + " appears on an earlier row too; this row is skipped");
        continue;
      }
      if (!p.sku.empty()) idBySku.emplace(p.sku, p.id);
    }
    store.products.push_back(std::move(p));
  }
  // Parents may come after their variations; resolve once every row is read.
  std::vector<bool> drop(store.products.size(), false);
  std::map<int64_t, std::set<std::string>> variationAxes;  // parent id -> attribute names its variations use
  for (const auto& v : variations) {
    WooProduct& p = store.products[v.index];
    std::optional<int64_t> parent;
    if (v.parentRef.rfind("id:", 0) == 0) {
      std::string digits = v.parentRef.substr(3);
      if (!digits.empty() && digits.size() < 18 && digits.find_first_not_of("0123456789") == std::string::npos && productIds.count(std::stoll(digits))) {
        parent = std::stoll(digits);
      }
    } else if (auto it = idBySku.find(v.parentRef); it != idBySku.end()) {
      parent = it->second;
    }
    if (!parent) {
      report.add(Severity::Skipped, p.where, "broken_parent",
                 v.parentRef.empty() ? "a variation without a Parent" : "its Parent \"" + v.parentRef + "\" is not a product in this file");
      drop[v.index] = true;
      continue;
    }
    p.parentId = *parent;
    for (auto it = p.variationAttributes.begin(); it != p.variationAttributes.end();) {
      variationAxes[*parent].insert(it->first);
      it = it->second.empty() ? p.variationAttributes.erase(it) : it + 1;  // "any": left off the variant
    }
  }
  std::vector<WooProduct> kept(std::make_move_iterator(store.products.begin()), std::make_move_iterator(store.products.begin() + static_cast<std::ptrdiff_t>(firstIndex)));
  for (std::size_t i = firstIndex; i < store.products.size(); ++i) {
    if (drop[i]) continue;
    WooProduct& p = store.products[i];
    for (auto& a : p.attributes) a.variation = variationAxes.count(p.id) && variationAxes[p.id].count(a.name);
    kept.push_back(std::move(p));
  }
  store.products = std::move(kept);
}

}  // namespace cartcore::import
