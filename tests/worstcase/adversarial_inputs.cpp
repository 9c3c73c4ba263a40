// SPDX-License-Identifier: MIT
#include "adversarial_inputs.hpp"

#include <cartcore/engine.hpp>

#include <cstdio>

namespace cartcore::worstcase {
namespace {

constexpr const char* kNow = "2026-11-27T09:30:00.000Z";

/** "v000042": zero-padded, so id order is index order. */
std::string variantId(int64_t i) {
  char id[24];
  std::snprintf(id, sizeof id, "v%06lld", static_cast<long long>(i));
  return id;
}

std::string money(int64_t cents) {
  char text[48];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
  return text;
}

/** A catalog of one-variant products: prices 10.00-59.00, 20 categories, two attributes, costs and weights. */
std::string catalog(int64_t variants) {
  std::string out = "{\"products\":[";
  out.reserve(static_cast<std::size_t>(variants) * 130);
  for (int64_t i = 0; i < variants; ++i) {
    if (i) out += ',';
    out += "{\"id\":\"p" + std::to_string(i) + "\",\"categories\":[\"c" + std::to_string(i % 20) + "\"],\"variants\":[{\"id\":\"" +
           variantId(i) + "\",\"price\":\"" + money(1000 + (i % 50) * 100) + "\",\"cost\":\"4.00\",\"weightGrams\":200," +
           "\"attributes\":{\"color\":\"k" + std::to_string(i % 5) + "\",\"size\":\"s" + std::to_string(i % 4) + "\"}}]}";
  }
  return out + "]}";
}

std::string store(const std::string& catalogJson, const std::string& priceRules, const std::string& promotions,
                  const std::string& extraSections = "") {
  return "{\"schemaVersion\":1,\"store\":{\"name\":\"Worst case\",\"currency\":\"USD\"},\"catalog\":" + catalogJson +
         ",\"priceRules\":" + priceRules + ",\"promotions\":" + promotions + extraSections + "}";
}

/** `count` lines of the first variants, each of `quantity` units, plus extra request fields. */
std::string request(int64_t lines, int64_t quantity, const std::string& extraFields = "") {
  std::string out = std::string("{\"schemaVersion\":1,\"currency\":\"USD\",\"now\":\"") + kNow + "\",\"lines\":[";
  for (int64_t i = 0; i < lines; ++i) {
    out += (i ? ",{\"variant\":\"" : "{\"variant\":\"") + variantId(i) + "\",\"quantity\":" + std::to_string(quantity) + "}";
  }
  return out + "]" + extraFields + "}";
}

/** A JSON array of `count` items made by `item(i)`. */
template <class Item>
std::string array(int64_t count, Item&& item) {
  std::string out = "[";
  for (int64_t i = 0; i < count; ++i) {
    if (i) out += ',';
    out += item(i);
  }
  return out + "]";
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

/** Pads a document prefix with `unit` up to `bytes`, then appends the suffix (which may leave it unclosed). */
std::string padded(std::string prefix, const std::string& unit, const std::string& suffix, int64_t bytes) {
  const auto target = static_cast<std::size_t>(bytes);
  prefix.reserve(target);
  while (prefix.size() + unit.size() + suffix.size() <= target) prefix += unit;
  return prefix + suffix;
}

constexpr int64_t kMaxLines = static_cast<int64_t>(kMaxCartLines);
const std::string kRequestHead = std::string("{\"currency\":\"USD\",\"now\":\"") + kNow + "\",\"lines\":[],";

}  // namespace

std::vector<Case> adversarialCases() {
  std::vector<Case> cases;
  const int64_t requestBytes = static_cast<int64_t>(kMaxRequestBytes);
  const int64_t configBytes = static_cast<int64_t>(kMaxConfigBytes);
  const std::string smallStore = store(catalog(kMaxLines), "[]", "[]");

  // ---- the JSON reader at the size limits -------------------------------------------------------------------------
  cases.push_back({"request-deep-nesting", "1 MiB request of unclosed `[`, nested 1M levels deep", false, requestBytes,
                   "bytes", false, "invalid_value", [=](int64_t n) {
                     return Inputs{smallStore, padded(kRequestHead + "\"stock\":", "[", "", n)};
                   }});
  cases.push_back({"request-unclosed-arrays", "1 MiB request of `[[],[],…` never closed", false, requestBytes, "bytes", true,
                   "malformed_json", [=](int64_t n) {
                     return Inputs{smallStore, padded(kRequestHead + "\"stock\":[", "[],", "", n)};
                   }});
  cases.push_back({"request-repeated-key", "1 MiB request: ~80k distinct keys in `stock`, then the first repeated", false,
                   requestBytes, "bytes", true, "duplicate_id", [=](int64_t n) {
                     std::string text = kRequestHead + "\"stock\":{\"k0\":0";
                     for (int64_t i = 1; static_cast<int64_t>(text.size()) + 20 < n; ++i) text += ",\"k" + std::to_string(i) + "\":0";
                     return Inputs{smallStore, text + ",\"k0\":0}}"};
                   }});
  cases.push_back({"request-huge-key", "1 MiB request whose one key is ~1 MiB long", false, requestBytes, "bytes", true,
                   "out_of_range", [=](int64_t n) {
                     return Inputs{smallStore, padded(kRequestHead + "\"", "k", "\":1}", n)};
                   }});

  // ---- best deal ---------------------------------------------------------------------------------------------------
  auto codeStore = [](int64_t codes, bool tied) {
    return store(catalog(20), "[]", array(codes, [&](int64_t i) {
                   // Tied: every code is an exclusive 10 % off everything, so every non-empty subset costs the same.
                   // Distinct: each code takes a different amount off a different variant, and they stack.
                   std::string id = "code" + std::to_string(i);
                   return "{\"id\":\"" + id + "\",\"type\":\"itemDiscount\",\"coupons\":[\"C" + std::to_string(i) + "\"]," +
                          (tied ? std::string("\"stacking\":\"exclusive\",\"selector\":{\"everything\":true},\"discount\":{\"percentOff\":\"10\"}}")
                                : "\"selector\":{\"variants\":[\"" + variantId(i) + "\"]},\"discount\":{\"amountOff\":\"" + money(10 + i) + "\"}}");
                 }));
  };
  auto codeRequest = [](int64_t codes) {
    return request(20, 3, ",\"bestDeal\":true,\"coupons\":" + array(codes, [](int64_t i) { return "\"C" + std::to_string(i) + "\""; }));
  };
  cases.push_back({"best-deal-tied", "best deal over 16 held codes whose totals all tie (exclusive 10 % each)", false,
                   static_cast<int64_t>(kMaxBestDealCodes), "codes", false, "ok",
                   [=](int64_t n) { return Inputs{codeStore(n, true), codeRequest(n)}; }});
  cases.push_back({"best-deal-distinct", "best deal over 16 held codes that all stack, each saving a different amount", false,
                   static_cast<int64_t>(kMaxBestDealCodes), "codes", false, "ok",
                   [=](int64_t n) { return Inputs{codeStore(n, false), codeRequest(n)}; }});

  // ---- conditional stacking ----------------------------------------------------------------------------------------
  // n promotions in pairs a_i / b_i that never stack together (b_i notWith a_i): 2^(n/2) maximal combinations, each
  // priced by the whole pipeline; the search stops at 1,024 combinations or the work budget.
  auto pairStore = [](int64_t conflicting, int64_t variants) {
    return store(catalog(variants), "[]", array(conflicting, [](int64_t i) {
                   const std::string k = std::to_string(i / 2);
                   const bool second = i % 2 == 1;
                   return std::string("{\"id\":\"") + (second ? "b" : "a") + k + "\",\"type\":\"itemDiscount\",\"selector\":{\"everything\":true}," +
                          "\"priority\":" + (second ? "1" : "2") + ",\"discount\":{\"amountOff\":\"" + (second ? "0.02" : "0.01") + "\"}" +
                          (second ? ",\"notWith\":{\"promotions\":[\"a" + k + "\"]}" : "") + "}";
                 }));
  };
  cases.push_back({"stacking-pairs", "conditional stacking: 64 promotions in pairs that never stack (2^32 combinations), 20 lines", false,
                   static_cast<int64_t>(kMaxStackingConflicts), "promotions", false, "ok",
                   [=](int64_t n) { return Inputs{pairStore(n, 20), request(20, 3)}; }});
  cases.push_back({"stacking-pairs-max-cart", "the same 64 promotions on 500 lines × 100,000 units: the work budget ends the search", false,
                   kMaxLines, "lines", false, "ok",
                   [=](int64_t n) { return Inputs{pairStore(static_cast<int64_t>(kMaxStackingConflicts), kMaxLines), request(n, kMaxLineQuantity)}; }});
  cases.push_back({"stacking-all-conflict", "conditional stacking: 600 promotions that combine with nothing (a conflict per pair), 20 lines",
                   false, 600, "promotions", false, "ok", [=](int64_t n) {
                     std::string promotions = array(n, [](int64_t i) {
                       return "{\"id\":\"x" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"selector\":{\"everything\":true}," +
                              "\"combinesWith\":[],\"discount\":{\"percentOff\":\"" + std::to_string(1 + i % 50) + "\"}}";
                     });
                     return Inputs{store(catalog(20), "[]", promotions), request(20, 3)};
                   }});

  // ---- exclusive promotions ------------------------------------------------------------------------------------------
  // Every exclusive promotion that applies is an alternative priced alone by the whole pipeline (shipping and tax on
  // here); each takes a different amount off, so no two alternatives tie. The search stops at 1,024 alternatives or
  // before another run would pass the work budget.
  auto exclusiveStore = [](int64_t exclusives, int64_t variants) {
    std::string promotions = array(exclusives, [](int64_t i) {
      return "{\"id\":\"x" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"stacking\":\"exclusive\",\"selector\":{\"everything\":true}," +
             "\"discount\":{\"amountOff\":\"" + money(1 + i % 500) + "\"}}";
    });
    const std::string checkout = R"(,"shipping":{"methods":[{"id":"std","name":"Standard","flat":"6.50"}]},)"
                                 R"("tax":{"pricesIncludeTax":false,"rates":[{"id":"vat","name":"VAT","country":"DE","taxClasses":["standard"],"percent":"19"}]})";
    return store(catalog(variants), "[]", promotions, checkout);
  };
  const std::string toGermany = R"(,"destination":{"country":"DE"})";
  cases.push_back({"exclusives-compete", "1,000 exclusive promotions on everything, each priced alone (shipping, tax), 20 lines", false, 1000,
                   "promotions", false, "ok", [=](int64_t n) { return Inputs{exclusiveStore(n, 20), request(20, 3, toGermany)}; }});
  cases.push_back({"exclusives-max-cart", "64 exclusive promotions on everything, each priced alone (shipping, tax), 500 lines × 100,000 units",
                   false, kMaxLines, "lines", false, "ok",
                   [=](int64_t n) { return Inputs{exclusiveStore(64, kMaxLines), request(n, kMaxLineQuantity, toGermany)}; }});

  // ---- promotions against maximal carts ----------------------------------------------------------------------------
  cases.push_back({"bundle-max-cart", "one bundle (2 + 3 units of anything, 10M applications) on 500 lines × 100,000 units", false, kMaxLines,
                   "lines", true, "ok", [=](int64_t n) {
                     std::string bundle = R"([{"id":"b","type":"bundle","bundlePrice":"1.00","components":[)"
                                          R"({"selector":{"everything":true},"quantity":2},{"selector":{"everything":true},"quantity":3}]}])";
                     return Inputs{store(catalog(kMaxLines), "[]", bundle), request(n, kMaxLineQuantity)};
                   }});
  cases.push_back({"mix-and-match", "10,000 mixAndMatch tiered price rules (500 per category) × 500 lines: 250,000 rule-line pairs, twice", false, 10000, "rules",
                   true, "too_complex", [=](int64_t n) {
                     std::string rules = array(n, [](int64_t i) {
                       return "{\"id\":\"mm" + std::to_string(i) + "\",\"type\":\"tiered\",\"scope\":\"mixAndMatch\",\"selector\":{\"categories\":[\"c" +
                              std::to_string(i % 20) + "\"]},\"tiers\":[{\"minQuantity\":" + std::to_string(2 + i % 50) +
                              ",\"percentOff\":\"" + std::to_string(1 + i % 30) + "\"}]}";
                     });
                     return Inputs{store(catalog(kMaxLines), rules, "[]"), request(kMaxLines, 2)};
                   }});
  cases.push_back({"own-groups", "10,000 promotions, each in its own exclusion group, 20 per line × 500 lines", false, 10000,
                   "promotions", true, "ok", [=](int64_t n) {
                     std::string promotions = array(n, [](int64_t i) {
                       return "{\"id\":\"g" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"exclusionGroup\":\"group" + std::to_string(i) +
                              "\",\"selector\":{\"variants\":[\"" + variantId(i % kMaxLines) + "\"]},\"discount\":{\"percentOff\":\"1\"}}";
                     });
                     return Inputs{store(catalog(kMaxLines), "[]", promotions), request(kMaxLines, 1)};
                   }});
  cases.push_back({"stackable-everything", "10,000 stackable 0.01-off promotions on everything × 500 lines (once a 351 MB quote)", false, 10000,
                   "promotions", false, "too_complex", [=](int64_t n) {
                     std::string promotions = array(n, [](int64_t i) {
                       return "{\"id\":\"s" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"selector\":{\"everything\":true},\"discount\":{\"amountOff\":\"0.01\"}}";
                     });
                     return Inputs{store(catalog(kMaxLines), "[]", promotions), request(kMaxLines, 1)};
                   }});
  cases.push_back({"codes-unlock-many", "20 codes, each unlocking 5,000 promotions (100,000 in all) × 500 lines", false, 5000,
                   "promotions per code", false, "too_complex", [=](int64_t n) {
                     std::string promotions = array(n * 20, [](int64_t i) {
                       return "{\"id\":\"u" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"coupons\":[\"C" + std::to_string(i % 20) +
                              "\"],\"selector\":{\"variants\":[\"" + variantId(i % kMaxLines) + "\"]},\"discount\":{\"percentOff\":\"1\"}}";
                     });
                     std::string codes = array(20, [](int64_t i) { return "\"C" + std::to_string(i) + "\""; });
                     return Inputs{store(catalog(kMaxLines), "[]", promotions), request(kMaxLines, 1, ",\"coupons\":" + codes)};
                   }});
  cases.push_back({"nudges", "nudges on: 800 unmet offers on everything in a 100,000-variant catalog × 500 lines", false, 800,
                   "promotions", true, "ok", [=](int64_t n) {
                     std::string promotions = array(n, [](int64_t i) {
                       std::string common = "{\"id\":\"n" + std::to_string(i) + "\",";
                       if (i % 2 == 0) {
                         return common + R"("type":"itemDiscount","selector":{"everything":true},"conditions":{"minSubtotal":"99999999.00"},"discount":{"percentOff":"5"}})";
                       }
                       return common + R"("type":"buyXGetY","buy":{"selector":{"everything":true},"quantity":100000},"get":{"selector":{"everything":true},"quantity":1}})";
                     });
                     return Inputs{store(catalog(100000), "[]", promotions), request(kMaxLines, 1, ",\"nudges\":true")};
                   }});
  // For a hold (forHold), so every variant checked is also recorded: the costlier of the two ways to read stock.
  cases.push_back({"stock-guards", "1,000 promotions guarded on stock of 1,000 variants each, a 60k-entry stock snapshot, for a hold",
                   false, 1000, "promotions", false, "too_complex", [=](int64_t n) {
                     std::string promotions = array(n, [](int64_t i) {
                       std::string guarded = array(1000, [&](int64_t k) { return quoted(variantId((i * 37 + k) % 60000)); });
                       return "{\"id\":\"sg" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"selector\":{\"everything\":true}," +
                              "\"conditions\":{\"stockGuard\":{\"selector\":{\"variants\":" + guarded + "},\"minAvailable\":1}}," +
                              "\"discount\":{\"percentOff\":\"1\"}}";
                     });
                     std::string stock = ",\"stock\":{";
                     for (int64_t v = 0; v < 60000; ++v) stock += (v ? ",\"" : "\"") + variantId(v) + "\":5";
                     return Inputs{store(catalog(100000), "[]", promotions), request(kMaxLines, 1, stock + "},\"forHold\":true")};
                   }});
  cases.push_back({"margin-floors", "10,000 margin floors (by variant, category and segment) × 500 lines", false, 10000, "floors",
                   true, "ok", [=](int64_t n) {
                     std::string floors = array(n, [](int64_t i) {
                       std::string id = "\"id\":\"f" + std::to_string(i) + "\",\"minMarginPercent\":\"" + std::to_string(1 + i % 40) + "\"";
                       if (i % 3 == 0) return "{" + id + ",\"variants\":[\"" + variantId(i % kMaxLines) + "\"]}";
                       if (i % 3 == 1) return "{" + id + ",\"categories\":[\"c" + std::to_string(i % 20) + "\"],\"segments\":[\"s" + std::to_string(i) + "\"]}";
                       return "{" + id + ",\"segments\":[\"s" + std::to_string(i) + "\"]}";
                     });
                     std::string promotions = R"([{"id":"half","type":"itemDiscount","selector":{"everything":true},"discount":{"percentOff":"50"}}])";
                     return Inputs{store(catalog(kMaxLines), "[]", promotions, ",\"marginFloors\":{\"floors\":" + floors + "}"),
                                   request(kMaxLines, 1, ",\"customer\":{\"segments\":[\"s1\",\"s2\"]}")};
                   }});
  cases.push_back({"tax-rates", "10,000 tax rates (one country, many regions and classes) × 500 lines in 500 classes", false,
                   10000, "rates", true, "ok", [=](int64_t n) {
                     std::string rates = array(n, [](int64_t i) {
                       // The first 500 rates cover every class country-wide; the rest add regional rates on top.
                       std::string region = i < kMaxLines ? "" : ",\"region\":\"R" + std::to_string(i % 100) + "\"";
                       return "{\"id\":\"t" + std::to_string(i) + "\",\"country\":\"US\"" + region + ",\"taxClasses\":[\"class" +
                              std::to_string(i % kMaxLines) + "\"],\"percent\":\"0.01\"}";
                     });
                     std::string text = store(catalog(kMaxLines), "[]", "[]", ",\"tax\":{\"rates\":" + rates + "}");
                     // Give each line its own tax class.
                     const std::string costKey = "\"cost\":\"4.00\"";
                     std::string classed;
                     for (std::size_t at = 0, k = 0;;) {
                       std::size_t cost = text.find(costKey, at);
                       if (cost == std::string::npos) {
                         classed += text.substr(at);
                         break;
                       }
                       classed += text.substr(at, cost - at) + "\"taxClass\":\"class" + std::to_string(k++) + "\"," + costKey;
                       at = cost + costKey.size();
                     }
                     return Inputs{classed, request(kMaxLines, 1, ",\"destination\":{\"country\":\"US\",\"region\":\"R7\"}")};
                   }});

  // ---- big catalogs ------------------------------------------------------------------------------------------------
  auto everythingStore = [](int64_t variants, int64_t rules) {
    std::string priceRules = array(rules, [](int64_t i) {
      return "{\"id\":\"r" + std::to_string(i) + "\",\"type\":\"memberPrice\",\"segments\":[\"m" + std::to_string(i) +
             "\"],\"selector\":{\"everything\":true},\"percentOff\":\"5\"}";
    });
    std::string promotions = array(rules, [](int64_t i) {
      return "{\"id\":\"e" + std::to_string(i) + "\",\"type\":\"itemDiscount\",\"conditions\":{\"segments\":[\"m" + std::to_string(i) +
             "\"]},\"selector\":{\"everything\":true},\"discount\":{\"percentOff\":\"5\"}}";
    });
    return store(catalog(variants), priceRules, promotions);
  };
  cases.push_back({"everything-compile", "compile: 1,000 price rules + 1,000 promotions on everything, 100,000 variants", true,
                   100000, "variants", true, "ok", [=](int64_t n) { return Inputs{everythingStore(n, 1000), ""}; }});
  // Member prices are indexed by segment and segment-gated promotions fail their conditions before any line work, so
  // this shopper's two segments cost two rules per line: the quote fits (it was too_complex before the index).
  cases.push_back({"everything-quote", "quote 500 lines against that store (each rule for one segment; the shopper has two): 1,000 rules × 500 lines",
                   false, 100000, "variants", false, "ok", [=](int64_t n) {
                     return Inputs{everythingStore(n, 1000), request(kMaxLines, 1, ",\"customer\":{\"segments\":[\"m1\",\"m2\"]}")};
                   }});
  cases.push_back({"everything-quote-fits", "quote 500 lines against 200 price rules + 200 promotions on everything, 100,000 variants",
                   false, 100000, "variants", false, "ok", [=](int64_t n) {
                     return Inputs{everythingStore(n, 200), request(kMaxLines, 1, ",\"customer\":{\"segments\":[\"m1\",\"m2\"]}")};
                   }});
  cases.push_back({"many-currencies", "compile: 158 exchange rates × 5,000 variants and 2,000 rules (~1.5 MB)", true, 158,
                   "rates", true, "ok", [=](int64_t n) {
                     static const char* kCodes[] = {
                         "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
                         "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
                         "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
                         "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
                         "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
                         "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
                         "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
                         "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
                         "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "UYU", "UZS", "VES", "VND",
                         "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL", "CLF", "UYW", "HRK", "SLL"};
                     std::string rates = "{";
                     for (int64_t i = 0; i < n; ++i) rates += (i ? ",\"" : "\"") + std::string(kCodes[i]) + "\":\"" + std::to_string(1 + i % 9) + ".5\"";
                     rates += "}";
                     std::string priceRules = array(1000, [](int64_t i) {
                       return "{\"id\":\"r" + std::to_string(i) + "\",\"type\":\"tiered\",\"selector\":{\"categories\":[\"c" + std::to_string(i % 20) +
                              "\"]},\"tiers\":[{\"minQuantity\":3,\"amountOff\":\"1.00\"}]}";
                     });
                     std::string promotions = array(1000, [](int64_t i) {
                       return "{\"id\":\"p" + std::to_string(i) + "\",\"type\":\"spendThreshold\",\"selector\":{\"everything\":true},\"tiers\":[{\"minSubtotal\":\"" +
                              money(10000 + i) + "\",\"amountOff\":\"5.00\"}]}";
                     });
                     return Inputs{store(catalog(5000), priceRules, promotions,
                                         ",\"currencies\":{\"rates\":" + rates + ",\"asOf\":\"2026-11-27T00:00:00.000Z\"}"),
                                   ""};
                   }});
  cases.push_back({"catalog-max", "compile: 100,000 products × 3 variants with attributes and price lists (~3.6M values)",
                   true, 100000, "products", true, "ok", [=](int64_t n) {
                     std::string products = "{\"products\":[";
                     for (int64_t p = 0; p < n; ++p) {
                       products += (p ? ",{\"id\":\"p" : "{\"id\":\"p") + std::to_string(p) + "\",\"categories\":[\"c" + std::to_string(p % 20) +
                                   "\"],\"attributes\":{\"brand\":\"b" + std::to_string(p % 50) + "\"},\"variants\":[";
                       for (int64_t v = 0; v < 3; ++v) {
                         products += (v ? ",{\"id\":\"" : "{\"id\":\"") + variantId(p * 3 + v) + "\",\"price\":\"" + money(1000 + p % 977) +
                                     "\",\"cost\":\"4.00\",\"attributes\":{\"size\":\"s" + std::to_string(v) + "\"}}";
                       }
                       products += "]}";
                     }
                     products += "]}";
                     std::string promotions = R"([{"id":"all","type":"itemDiscount","selector":{"everything":true},"discount":{"percentOff":"5"}}])";
                     return Inputs{store(products, "[]", promotions), ""};
                   }});
  cases.push_back({"config-empty-objects", "compile: a config at the size limit that is one array of `{}` (the costliest DOM)",
                   true, configBytes, "bytes", true, "payload_too_large", [=](int64_t n) {
                     return Inputs{padded("{\"junk\":[{}", ",{}", "]}", n), ""};
                   }});
  cases.push_back({"config-deep-nesting", "compile: a config at the size limit of unclosed `[`", true, configBytes, "bytes",
                   false, "invalid_value", [=](int64_t n) { return Inputs{padded("{\"store\":", "[", "", n), ""}; }});
  return cases;
}

}  // namespace cartcore::worstcase
