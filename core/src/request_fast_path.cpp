// SPDX-License-Identifier: MIT
#include "request_fast_path.hpp"

#include <cstdint>
#include <map>
#include <string>

#include "currency.hpp"
#include "input_error.hpp"
#include "json_reader.hpp"
#include "locale.hpp"
#include "request_parser.hpp"
#include "timestamp.hpp"

namespace cartcore {
namespace {

/**
 * A cursor over the plain subset of JSON: objects, arrays, strings of printable ASCII without escapes, integers of
 * at most 18 digits, true and false. Every method returns false at anything else, valid JSON or not; the caller then
 * gives up and the strict reader decides.
 */
class PlainJson {
 public:
  explicit PlainJson(std::string_view text) : at_(text.data()), end_(text.data() + text.size()) {}

  bool consume(char c) {
    skipSpace();
    if (at_ == end_ || *at_ != c) return false;
    ++at_;
    return true;
  }

  bool atEnd() {
    skipSpace();
    return at_ == end_;
  }

  bool string(std::string_view& out) {
    if (!consume('"')) return false;
    const char* start = at_;
    for (; at_ != end_; ++at_) {
      const auto c = static_cast<unsigned char>(*at_);
      if (c == '"') {
        out = {start, static_cast<std::size_t>(at_ - start)};
        ++at_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;  // control bytes, UTF-8 and escapes: the strict reader's
    }
    return false;
  }

  bool integer(int64_t& out) {
    skipSpace();
    const bool negative = at_ != end_ && *at_ == '-';
    if (negative) ++at_;
    const char* start = at_;
    int64_t value = 0;
    for (; at_ != end_ && *at_ >= '0' && *at_ <= '9'; ++at_) {
      if (at_ - start == 18) return false;  // a 19th digit could overflow: the strict reader's
      value = value * 10 + (*at_ - '0');
    }
    const std::size_t digits = static_cast<std::size_t>(at_ - start);
    if (digits == 0 || (digits > 1 && *start == '0')) return false;
    if (at_ != end_ && (*at_ == '.' || *at_ == 'e' || *at_ == 'E')) return false;   // a fraction or an exponent
    out = negative ? -value : value;
    return true;
  }

  bool boolean(bool& out) {
    skipSpace();
    if (literal("true")) {
      out = true;
      return true;
    }
    if (literal("false")) {
      out = false;
      return true;
    }
    return false;
  }

  /** Calls `onKey(key)` for each member, which reads the value; an empty object calls nothing. */
  template <class OnKey>
  bool object(OnKey&& onKey) {
    if (!consume('{')) return false;
    if (consume('}')) return true;
    do {
      std::string_view key;
      if (!string(key) || !consume(':') || !onKey(key)) return false;
    } while (consume(','));
    return consume('}');
  }

  /** Calls `onItem(index)` for each element, which reads it; more than `maxItems` elements ends the fast path. */
  template <class OnItem>
  bool array(std::size_t maxItems, OnItem&& onItem) {
    if (!consume('[')) return false;
    if (consume(']')) return true;
    std::size_t index = 0;
    do {
      if (index == maxItems || !onItem(index++)) return false;
    } while (consume(','));
    return consume(']');
  }

 private:
  void skipSpace() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
  }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || std::string_view(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  const char* at_;
  const char* end_;
};

/** Marks a key as read; false when the object already had it (the strict reader names the repeat). */
bool firstTime(uint32_t& seen, unsigned bit) {
  const uint32_t mask = uint32_t{1} << bit;
  if (seen & mask) return false;
  seen |= mask;
  return true;
}

/** readId's rule: non-empty, at most kMaxIdBytes. */
bool isId(std::string_view text) { return !text.empty() && text.size() <= kMaxIdBytes; }

bool readLine(PlainJson& json, const CompiledStore& store, CartLine& line) {
  uint32_t seen = 0;
  std::string_view variant, id;
  bool hasQuantity = false;
  const bool read = json.object([&](std::string_view key) {
    if (key == "variant") return firstTime(seen, 0) && json.string(variant);
    if (key == "id") return firstTime(seen, 1) && json.string(id) && isId(id);
    if (key == "quantity") return firstTime(seen, 2) && (hasQuantity = json.integer(line.quantity));
    return false;
  });
  if (!read || !isId(variant) || !hasQuantity || line.quantity < 1 || line.quantity > kMaxLineQuantity) return false;
  line.variant = variant;
  if (!store.variantIndex.count(line.variant)) return false;
  line.id = id.empty() ? variant : id;
  return true;
}

/**
 * A stock snapshot (variant id -> available units), read straight into the request's map. The edge sends its whole
 * catalog's snapshot with every quote, so this is an everyday shape too: through the DOM a 60,000-entry snapshot cost
 * ~30 ms (a node and a pointer string per entry, two ordered maps), here a few. Anything the strict reader must
 * judge (an unknown variant, a repeated id, units out of range, more entries than variants) ends the fast path.
 */
bool readStock(PlainJson& json, const CompiledStore& store, std::map<std::string, int64_t>& stock) {
  std::string variant;     // reused: one allocation at most for the whole snapshot
  std::size_t next = 0;    // the catalog variant after the last one read (store.variants is sorted by id)
  return json.object([&](std::string_view key) {
    int64_t units = 0;
    if (!json.integer(units) || units < 0 || units > kMaxStockUnits || stock.size() == store.variants.size()) return false;
    // Snapshots usually list ids in catalog order, so the next catalog variant is tried before the hash index (whose
    // scattered nodes cost a cache miss or two per entry in a large catalog).
    if (next < store.variants.size() && store.variants[next].id == key) {
      ++next;
    } else {
      auto found = store.variantIndex.find(variant.assign(key));
      if (found == store.variantIndex.end()) return false;
      next = found->second + 1;
    }
    const std::size_t before = stock.size();
    stock.emplace_hint(stock.end(), key, units);  // in id order this is O(1) per entry, else O(log n)
    return stock.size() > before;                 // a repeated id: the strict reader names it
  });
}

enum RootKey : unsigned {
  kSchemaVersion, kCountry, kCurrency, kDestination, kShippingMethod, kBestDeal, kNudges, kLocale, kExplain, kNow,
  kCustomer, kCoupons, kLines, kForHold, kStock, kUnknown
};

RootKey rootKey(std::string_view key) {
  static constexpr std::pair<std::string_view, RootKey> kKeys[] = {
      {"schemaVersion", kSchemaVersion}, {"country", kCountry},   {"currency", kCurrency}, {"destination", kDestination},
      {"shippingMethod", kShippingMethod}, {"bestDeal", kBestDeal}, {"nudges", kNudges},   {"locale", kLocale},
      {"explain", kExplain},             {"now", kNow},           {"customer", kCustomer}, {"coupons", kCoupons},
      {"lines", kLines},                 {"forHold", kForHold},   {"stock", kStock}};
  for (const auto& [name, id] : kKeys) {
    if (name == key) return id;
  }
  return kUnknown;  // heldFacts and typos alike: the strict reader's business
}

/** The request, or false at the first thing the strict reader must judge. Throws InputError from the shared checks. */
bool readRequest(const CompiledStore& store, std::string_view text, QuoteRequest& request) {
  PlainJson json(text);
  uint32_t seen = 0;
  std::string_view country, currency, destinationCountry, destinationRegion, shippingMethod, locale, explain, now;
  bool hasDestination = false;
  const bool read = json.object([&](std::string_view key) {
    const RootKey which = rootKey(key);
    if (which == kUnknown || !firstTime(seen, which)) return false;
    switch (which) {
      case kSchemaVersion: {
        int64_t version = 0;
        return json.integer(version) && version == 1;
      }
      case kCountry: return json.string(country) && isCountryCode(country);
      case kCurrency: return json.string(currency);
      case kDestination: {
        uint32_t inner = 0;
        hasDestination = true;
        return json.object([&](std::string_view k) {
          if (k == "country") return firstTime(inner, 0) && json.string(destinationCountry) && isCountryCode(destinationCountry);
          if (k == "region") return firstTime(inner, 1) && json.string(destinationRegion) && isId(destinationRegion);
          return false;
        });
      }
      case kShippingMethod: return json.string(shippingMethod) && isId(shippingMethod);
      case kBestDeal: return json.boolean(request.bestDeal);
      case kNudges: return json.boolean(request.nudges);
      case kForHold: return json.boolean(request.forHold);
      case kLocale: return json.string(locale) && isWellFormedLanguageTag(locale);
      case kExplain: return json.string(explain);
      case kNow: return json.string(now);
      case kCustomer: {
        uint32_t inner = 0;
        return json.object([&](std::string_view k) {
          if (k != "segments" || !firstTime(inner, 0)) return false;
          return json.array(kMaxSegments, [&](std::size_t) {
            std::string_view segment;
            if (!json.string(segment) || !isId(segment)) return false;
            request.segments.emplace_back(segment);
            return true;
          });
        });
      }
      case kCoupons:
        return json.array(kMaxCouponsPerCart, [&](std::size_t) {
          std::string_view code;
          if (!json.string(code)) return false;
          request.coupons.emplace_back(code);
          return true;
        });
      case kLines:
        return json.array(kMaxCartLines, [&](std::size_t) { return readLine(json, store, request.lines.emplace_back()); });
      case kStock: return readStock(json, store, request.stock);
      case kUnknown: break;
    }
    return false;
  });
  if (!read || !json.atEnd() || !(seen & (1u << kLines)) || !(seen & (1u << kNow))) return false;
  // What parseQuoteRequest checks beyond the shape, in its terms.
  request.country = country;
  if (seen & (1u << kCurrency)) {
    request.currency = currency;
  } else if (!request.country.empty()) {
    request.currency = currencyForCountry(store, request.country);
  } else {
    return false;
  }
  if (!currencyExponent(request.currency)) return false;
  checkCurrency(store, request.currency, "/currency");
  if (hasDestination) {
    if (destinationCountry.empty()) return false;
    request.destinationCountry = destinationCountry;
    request.destinationRegion = destinationRegion;
  } else {
    request.destinationCountry = request.country;
  }
  if (seen & (1u << kShippingMethod)) {
    if (!isShippingMethod(store, shippingMethod)) return false;
    request.shippingMethod = shippingMethod;
  }
  request.locale = locale;
  if (seen & (1u << kExplain)) {
    const auto level = explainLevelNamed(explain);
    if (!level) return false;
    request.explain = *level;
  }
  request.now = parseTimestamp(now, "/now");
  return !firstRepeatedLineId(request.lines);
}

}  // namespace

std::optional<QuoteRequest> readEverydayRequest(const CompiledStore& store, std::string_view text) {
  if (text.size() > kMaxRequestBytes) return std::nullopt;
  try {
    QuoteRequest request;
    if (readRequest(store, text, request)) return request;
  } catch (const InputError&) {
    // A shared check failed: the strict reader reports it with its pointer.
  }
  return std::nullopt;
}

}  // namespace cartcore
