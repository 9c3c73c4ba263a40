// SPDX-License-Identifier: MIT
#include "quote_json.hpp"

#include <charconv>
#include <cstring>

#include "input_error.hpp"
#include "money.hpp"
#include "sha256.hpp"
#include "store.hpp"
#include "timestamp.hpp"

namespace cartcore {
namespace {

constexpr uint64_t kEachByte = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

/** Whether any of the 8 bytes in `word` is below `limit` (at most 0x80): the classic SWAR test, exact for "any". */
constexpr bool anyByteBelow(uint64_t word, uint8_t limit) { return ((word - kEachByte * limit) & ~word & kHighBits) != 0; }

/** Whether any of the 8 bytes in `word` needs escaping in a JSON string: a control character, '"' or '\\'. */
constexpr bool anyByteToEscape(uint64_t word) {
  return anyByteBelow(word, 0x20) || anyByteBelow(word ^ (kEachByte * '"'), 1) || anyByteBelow(word ^ (kEachByte * '\\'), 1);
}

/**
 * Writes compact JSON straight into a string, byte for byte what nlohmann's dump() gives for the same document
 * (sorted keys, no spaces, UTF-8 passed through, control characters escaped as nlohmann does). Building a
 * nlohmann DOM only to dump it cost several times the pricing itself; the golden corpus pins the bytes.
 */
class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::size_t reserve) { out_.reserve(reserve); }

  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }

  void key(std::string_view name) {
    char chunk[kMaxKeyChars];
    out_.append(chunk, keyChars(chunk, name));
    afterKey_ = true;
  }

  /** A key that is user text (e.g. a variant id as a map key): sorted like any key, escaped like a value. */
  void textKey(std::string_view name) {
    checkKeyOrder(name);
    separate();
    quoted(name);
    out_.push_back(':');
    afterKey_ = true;
  }

  void string(std::string_view value) {
    separate();
    quoted(value);
  }
  void number(int64_t value) {
    separate();
    char digits[20];
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    out_.append(digits, written.ptr);
  }
  void boolean(bool value) {
    separate();
    out_ += value ? "true" : "false";
  }
  void null() {
    separate();
    out_ += "null";
  }
  void money(Minor amount, int exponent) {
    separate();
    char buffer[kMaxMoneyChars];
    const std::string_view digits = moneyChars(buffer, amount, exponent);
    char quoted[kMaxMoneyChars + 2];  // digits, '-' and '.' need no escaping: one append with the quotes
    quoted[0] = '"';
    std::memcpy(quoted + 1, digits.data(), digits.size());
    quoted[digits.size() + 1] = '"';
    out_.append(quoted, digits.size() + 2);
  }

  /**
   * A string value that `append(std::string&)` writes straight into the output (a sentence from the catalog),
   * escaped afterwards in the rare case it holds a byte that needs it, so no string is built only to be copied.
   */
  template <class Append>
  void stringInPlace(Append&& append) {
    separate();
    out_.push_back('"');
    const std::size_t start = out_.size();
    append(out_);
    if (needsEscape(std::string_view(out_).substr(start))) {
      const std::string raw = out_.substr(start);
      out_.resize(start - 1);
      quoted(raw);
      return;
    }
    out_.push_back('"');
  }

  // key + value in one call, the common case: the comma, the key and a plain value go out in one append.
  void field(std::string_view name, std::string_view value) {
    if (value.size() > kMaxPlainValueChars || needsEscape(value)) {
      key(name);
      string(value);
      return;
    }
    plainField(name, value);
  }
  void numberField(std::string_view name, int64_t value) {
    char chunk[kMaxKeyChars + 20];
    std::size_t n = keyChars(chunk, name);
    n = static_cast<std::size_t>(std::to_chars(chunk + n, chunk + sizeof chunk, value).ptr - chunk);
    out_.append(chunk, n);
  }
  void moneyField(std::string_view name, Minor amount, int exponent) {
    char digits[kMaxMoneyChars];
    plainField(name, moneyChars(digits, amount, exponent));  // digits, '-' and '.' need no escaping
  }

  std::string take() { return std::move(out_); }

 private:
  struct Level {
    bool firstItem = true;
#ifndef NDEBUG
    std::string_view lastKey;
#endif
  };

  /** Room for `,"key":` of this file's longest key. */
  static constexpr std::size_t kMaxKeyChars = 64;
  /** Values up to this long go out with their key in one append. */
  static constexpr std::size_t kMaxPlainValueChars = 192;
  static_assert(kMaxMoneyChars <= kMaxPlainValueChars);

  /** `,"name":"value"` in one append, for a value of at most kMaxPlainValueChars that needs no escaping. */
  void plainField(std::string_view name, std::string_view value) {
    CARTCORE_ASSERT(value.size() <= kMaxPlainValueChars);
    char chunk[kMaxKeyChars + kMaxPlainValueChars + 2];
    std::size_t n = keyChars(chunk, name);
    chunk[n++] = '"';
    std::memcpy(chunk + n, value.data(), value.size());
    n += value.size();
    chunk[n++] = '"';
    out_.append(chunk, n);
  }

  /**
   * Writes `,"name":` (the comma only when an item precedes it) at `chunk` and returns its length. Keys are this
   * file's own identifiers, never user text, so they need no escaping.
   */
  std::size_t keyChars(char* chunk, std::string_view name) {
    checkKeyOrder(name);
    CARTCORE_ASSERT(name.size() + 4 <= kMaxKeyChars);
    std::size_t n = 0;
    if (needsComma()) chunk[n++] = ',';
    chunk[n++] = '"';
    std::memcpy(chunk + n, name.data(), name.size());
    n += name.size();
    chunk[n++] = '"';
    chunk[n++] = ':';
    return n;
  }

  /**
   * Canonical output needs sorted keys; callers write them in order. Checked in debug builds only: per key it was a
   * measurable share of a quote, and tests/core/golden_test.cpp compares every golden output with its nlohmann
   * (sorted) rendering, so a key out of order fails there in every build.
   */
  void checkKeyOrder([[maybe_unused]] std::string_view name) {
#ifndef NDEBUG
    Level& level = levels_.back();
    CARTCORE_ASSERT(level.firstItem || name > level.lastKey);
    level.lastKey = name;
#endif
  }

  void open(char bracket) {
    separate();
    out_.push_back(bracket);
    levels_.push_back({});
  }
  void close(char bracket) {
    out_.push_back(bracket);
    levels_.pop_back();
  }
  /** Whether the next item needs a comma before it (and marks its level as holding one); not after a key. */
  bool needsComma() {
    if (afterKey_) {
      afterKey_ = false;
      return false;
    }
    if (levels_.empty()) return false;
    Level& level = levels_.back();
    const bool comma = !level.firstItem;
    level.firstItem = false;
    return comma;
  }
  void separate() {
    if (needsComma()) out_.push_back(',');
  }
  static bool needsEscape(std::string_view text) {
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if (anyByteToEscape(word)) return true;
    }
    for (; i < text.size(); ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (byte < 0x20 || byte == '"' || byte == '\\') return true;
    }
    return false;
  }
  void quoted(std::string_view text) {
    if (!needsEscape(text)) {  // nearly always: ids, names and sentences rarely hold a byte to escape
      out_.push_back('"');
      out_.append(text);
      out_.push_back('"');
      return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    std::size_t runStart = 0;  // plain bytes are appended a run at a time; only escapes go one by one
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
      out_.append(text.data() + runStart, i - runStart);
      runStart = i + 1;
      switch (byte) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          out_ += "\\u00";
          out_.push_back(kHex[byte >> 4]);
          out_.push_back(kHex[byte & 0xf]);
      }
    }
    out_.append(text.data() + runStart, text.size() - runStart);
    out_.push_back('"');
  }

  std::string out_;
  std::vector<Level> levels_;
  bool afterKey_ = false;
};

/** One listed outcome's fields, whether the typed Quote holds it (RuleOutcome) or it is still a verdict. */
struct OutcomeFields {
  bool applied = false;
  Minor amount = 0;
  std::optional<Minor> amountNeeded;
  std::optional<int64_t> quantityNeeded;
  std::string_view by;
  std::string_view coupon;
  std::string_view id;
  std::string_view missing;
  std::string_view name;
  std::string_view reason;
};

OutcomeFields fieldsOf(const RuleOutcome& o) {
  return {o.applied, o.amount, o.amountNeeded, o.quantityNeeded, o.by, o.coupon, o.id, o.missing, o.name, o.reason};
}

OutcomeFields fieldsOf(const RuleVerdict& v, const std::string& id, const std::string& name) {
  return {v.applied, v.amount, v.amountNeeded, v.quantityNeeded, v.by, v.coupon, id, v.missing, name, reasonCode(v.reason)};
}

/** `message(w)` writes the sentence's value. */
template <class Message>
void writeOutcome(CanonicalWriter& w, const OutcomeFields& o, int exponent, Message&& message) {
  w.beginObject();
  if (o.applied) w.moneyField("amount", o.amount, exponent);
  if (o.amountNeeded) w.moneyField("amountNeeded", *o.amountNeeded, exponent);
  if (!o.by.empty()) w.field("by", o.by);
  if (!o.coupon.empty()) w.field("coupon", o.coupon);
  w.field("id", o.id);
  w.key("message");
  message(w);
  if (!o.missing.empty()) w.field("missing", o.missing);
  w.field("name", o.name);
  if (o.quantityNeeded) w.numberField("quantityNeeded", *o.quantityNeeded);
  w.field("reason", o.reason);
  w.endObject();
}

/** `{"applied":[…],"notApplied":[…]}` over RuleOutcomes or verdicts; `write(w, outcome)` writes one. */
template <class Outcome, class Write>
void writeOutcomes(CanonicalWriter& w, const std::vector<Outcome>& outcomes, ExplainLevel level, Write&& write) {
  w.beginObject();
  for (bool applied : {true, false}) {
    if (!applied && level == ExplainLevel::Applied) continue;  // only what changed the price was explained
    w.key(applied ? "applied" : "notApplied");
    w.beginArray();
    for (const auto& o : outcomes) {
      if (o.applied == applied) write(w, o);
    }
    w.endArray();
  }
  w.endObject();
}

void writeOutcomes(CanonicalWriter& w, const std::vector<RuleOutcome>& outcomes, int exponent, ExplainLevel level) {
  writeOutcomes(w, outcomes, level, [&](CanonicalWriter& out, const RuleOutcome& o) {
    writeOutcome(out, fieldsOf(o), exponent, [&](CanonicalWriter& m) { m.string(o.message); });
  });
}

template <class Message>
void writeCoupon(CanonicalWriter& w, const CouponOutcome& c, Message&& message) {
  w.beginObject();
  w.field("code", c.code);
  w.key("message");
  message(w);
  if (!c.promotion.empty()) {
    w.field("promotion", c.promotion);
  }
  w.field("reason", c.reason);
  w.field("status", c.status);
  w.endObject();
}

/** The outcome lists and codes of a typed Quote, or (with `verdicts`) of a quote whose lists are still verdicts. */
void writeCoupons(CanonicalWriter& w, const Quote& q, const VerdictOutcomes* verdicts) {
  w.beginArray();
  for (std::size_t i = 0; i < q.coupons.size(); ++i) {
    const CouponOutcome& c = q.coupons[i];
    if (!verdicts) {
      writeCoupon(w, c, [&](CanonicalWriter& m) { m.string(c.message); });
      continue;
    }
    if (!explainShows(q.explain, c.status == "applied")) continue;  // the digest took every code; the level shows these
    writeCoupon(w, c, [&](CanonicalWriter& m) {
      m.stringInPlace([&](std::string& out) { verdicts->sentences.coupon(out, verdicts->priced.coupons[i], verdicts->priced.promotions); });
    });
  }
  w.endArray();
}

void writePriceRules(CanonicalWriter& w, const Quote& q, const VerdictOutcomes* verdicts) {
  if (!verdicts) return writeOutcomes(w, q.priceRules, q.exponent, q.explain);
  writeOutcomes(w, verdicts->priced.priceRules, q.explain, [&](CanonicalWriter& out, const RuleVerdict& v) {
    const PriceRule& rule = verdicts->store.priceRules[v.rule];
    writeOutcome(out, fieldsOf(v, rule.id, rule.name), q.exponent, [&](CanonicalWriter& m) {
      m.stringInPlace([&](std::string& text) { verdicts->sentences.priceRule(text, v); });
    });
  });
}

void writePromotions(CanonicalWriter& w, const Quote& q, const VerdictOutcomes* verdicts) {
  if (!verdicts) return writeOutcomes(w, q.promotions, q.exponent, q.explain);
  writeOutcomes(w, verdicts->priced.promotions, q.explain, [&](CanonicalWriter& out, const RuleVerdict& v) {
    const Promotion& promo = verdicts->store.promotions[v.rule];
    writeOutcome(out, fieldsOf(v, promo.id, promo.name), q.exponent, [&](CanonicalWriter& m) {
      m.stringInPlace([&](std::string& text) { verdicts->sentences.promotion(text, v); });
    });
  });
}

void writeLine(CanonicalWriter& w, const QuotedLine& l, int exponent) {
  w.beginObject();
  w.key("adjustments");
  w.beginArray();
  for (const auto& a : l.adjustments) {
    w.beginObject();
    w.moneyField("amount", a.amount, exponent);
    w.field("id", a.id);
    w.field("name", a.name);
    w.field("source", a.source);
    w.endObject();
  }
  w.endArray();
  w.field("id", l.id);
  w.moneyField("listTotal", l.listTotal, exponent);
  w.moneyField("listUnitPrice", l.listUnitPrice, exponent);
  if (l.lowStockRemaining) {
    w.key("lowStock");
    w.beginObject();
    w.numberField("remaining", *l.lowStockRemaining);
    w.endObject();
  }
  w.field("name", l.name);
  w.numberField("quantity", l.quantity);
  w.field("sku", l.sku);
  if (l.tax) w.moneyField("tax", *l.tax, exponent);
  w.moneyField("total", l.total, exponent);
  w.key("unitPrices");
  w.beginArray();
  for (const auto& u : l.unitPrices) {
    w.beginObject();
    w.numberField("quantity", u.quantity);
    w.moneyField("unitPrice", u.unitPrice, exponent);
    w.endObject();
  }
  w.endArray();
  w.field("variant", l.variant);
  w.endObject();
}

/** A percentage from millionths of the whole, without trailing zeros: 190000 is "19", 125000 is "12.5". */
std::string formatPercent(int64_t ppm) {
  std::string text = formatMoney(ppm, 4);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

void writeDeal(CanonicalWriter& w, const DealChoice& d, int exponent) {
  w.beginObject();
  w.key("codes");
  w.beginArray();
  for (const auto& c : d.codes) w.string(c);
  w.endArray();
  w.moneyField("total", d.total, exponent);
  w.endObject();
}

void writeBestDeal(CanonicalWriter& w, const BestDeal& b, int e) {
  w.beginObject();
  w.key("alternatives");
  w.beginArray();
  for (const auto& a : b.alternatives) writeDeal(w, a, e);
  w.endArray();
  w.key("chosen");
  writeDeal(w, b.chosen, e);
  if (!b.exhaustive) {  // only when the budget stopped the search, so complete searches keep their bytes
    w.key("exhaustive");
    w.boolean(false);
  }
  w.key("ignoredCodes");
  w.beginArray();
  for (const auto& c : b.ignoredCodes) w.string(c);
  w.endArray();
  w.numberField("subsetsPriced", b.subsetsPriced);
  w.endObject();
}

void writeMarginFigures(CanonicalWriter& w, const LineMargin& m, int e, bool withLine) {
  w.beginObject();
  w.moneyField("cost", m.cost, e);
  if (withLine) w.field("line", m.line);
  w.moneyField("margin", m.margin, e);
  w.field("percent", formatPercent(m.percentPpm));
  w.moneyField("revenue", m.revenue, e);
  w.endObject();
}

void writeMargin(CanonicalWriter& w, const MarginReport& m, int e) {
  w.beginObject();
  w.key("clamps");
  w.beginArray();
  for (const auto& c : m.clamps) {
    w.beginObject();
    w.moneyField("discountAfter", c.discountAfter, e);
    w.moneyField("discountBefore", c.discountBefore, e);
    if (!c.floor.empty()) {
      w.field("floor", c.floor);
    }
    w.field("line", c.line);
    w.field("message", c.message);
    w.endObject();
  }
  w.endArray();
  if (m.internal) {
    w.key("lines");
    w.beginArray();
    for (const auto& l : m.lines) writeMarginFigures(w, l, e, true);
    w.endArray();
    w.key("linesWithoutCost");
    w.beginArray();
    for (const auto& id : m.linesWithoutCost) w.string(id);
    w.endArray();
    w.key("order");
    if (m.order) writeMarginFigures(w, *m.order, e, false);
    else w.null();
  }
  if (m.orderDiscountBefore || (m.internal && m.orderCapPpm)) {
    w.key("orderCap");
    w.beginObject();
    if (m.orderDiscountAfter) {
      w.moneyField("discountAfter", *m.orderDiscountAfter, e);
      w.moneyField("discountBefore", *m.orderDiscountBefore, e);
    }
    if (m.internal) {
      w.field("percent", formatPercent(*m.orderCapPpm));
    }
    w.endObject();
  }
  w.endObject();
}

void writeShippingOption(CanonicalWriter& w, const ShippingOption& o, int e) {
  w.beginObject();
  w.moneyField("amount", o.amount, e);
  if (o.amountToFree) w.moneyField("amountToFree", *o.amountToFree, e);
  if (!o.freeBy.empty()) w.field("freeBy", o.freeBy);
  w.field("id", o.id);
  w.moneyField("listAmount", o.listAmount, e);
  w.field("name", o.name);
  w.endObject();
}

void writeShipping(CanonicalWriter& w, const ShippingQuote& s, int e) {
  w.beginObject();
  w.moneyField("amount", s.chosen.amount, e);
  if (!s.chosen.freeBy.empty()) w.field("freeBy", s.chosen.freeBy);
  w.moneyField("listAmount", s.chosen.listAmount, e);
  w.field("method", s.chosen.id);
  w.field("name", s.chosen.name);
  w.key("options");
  w.beginArray();
  for (const auto& o : s.options) writeShippingOption(w, o, e);
  w.endArray();
  if (s.tax) w.moneyField("tax", *s.tax, e);
  w.endObject();
}

void writeHeldFacts(CanonicalWriter& w, const HeldFacts& held) {
  w.beginObject();
  w.field("quotedAt", formatTimestamp(held.quotedAt));
  w.key("stock");
  w.beginObject();
  for (const auto& [variant, units] : held.stock) {
    w.textKey(variant);
    if (units) w.number(*units);
    else w.null();
  }
  w.endObject();
  w.endObject();
}

void writeNudges(CanonicalWriter& w, const std::vector<Nudge>& nudges, int e) {
  w.beginArray();
  for (const auto& n : nudges) {
    w.beginObject();
    if (n.amountNeeded) {
      w.moneyField("amountNeeded", *n.amountNeeded, e);
    }
    w.field("id", n.id);
    w.field("kind", n.kind);
    w.field("message", n.message);
    if (n.quantityNeeded) {
      w.numberField("quantityNeeded", *n.quantityNeeded);
    }
    w.field("reason", n.reason);
    w.endObject();
  }
  w.endArray();
}

}  // namespace

namespace {

/**
 * Feeds a hash with an unambiguous, compact encoding: zigzag varint numbers, length-prefixed strings. The pieces are
 * small (a quote's digest takes ~130 of them), so they are gathered in a buffer and hashed a block's worth at a time.
 */
class DigestWriter {
 public:
  void text(std::string_view value) {
    number(static_cast<int64_t>(value.size()));
    if (value.size() > sizeof buffer_ - used_) {
      flush();
      if (value.size() > sizeof buffer_) {
        hash_.update(value);
        return;
      }
    }
    std::memcpy(buffer_ + used_, value.data(), value.size());
    used_ += value.size();
  }
  void number(int64_t value) {
    if (sizeof buffer_ - used_ < 10) flush();
    uint64_t zigzag = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
    do {
      buffer_[used_++] = static_cast<char>((zigzag & 0x7f) | (zigzag > 0x7f ? 0x80 : 0));
      zigzag >>= 7;
    } while (zigzag != 0);
  }
  std::string finish() {
    flush();
    return "sha256:" + hash_.hexDigest();
  }

 private:
  void flush() {
    hash_.update(std::string_view(buffer_, used_));
    used_ = 0;
  }

  Sha256 hash_;
  char buffer_[512];
  std::size_t used_ = 0;
};

}  // namespace

std::string quoteDigest(const Quote& q) {
  // Only what the shopper pays and why in money terms: explanations, "N left" and config edits that leave this
  // cart's price alone (a store rename, another product) may change without the price changing, and must not make
  // a checkout refuse a quote the shopper saw. Hashing a compact encoding instead of a JSON rendering keeps the
  // digest a small part of a quote's cost.
  DigestWriter d;
  d.text("cartcore-quote-v2");
  d.text(q.currency);
  d.number(static_cast<int64_t>(q.lines.size()));
  for (const auto& l : q.lines) {
    d.text(l.id);
    d.text(l.variant);
    d.number(l.quantity);
    d.number(l.listUnitPrice);
    d.number(static_cast<int64_t>(l.adjustments.size()));
    for (const auto& a : l.adjustments) {
      d.number(a.source == "priceRule" ? 0 : 1);
      d.text(a.id);
      d.number(a.amount);
    }
    d.number(static_cast<int64_t>(l.unitPrices.size()));
    for (const auto& u : l.unitPrices) {
      d.number(u.quantity);
      d.number(u.unitPrice);
    }
    d.number(l.total);
  }
  for (int64_t total : {q.listSubtotal, q.priceRuleSavings, q.promotionSavings, q.total}) d.number(total);
  d.number(static_cast<int64_t>(q.coupons.size()));
  for (const auto& c : q.coupons) {
    d.text(c.code);
    d.text(c.status);
  }
  d.text(q.freeShippingPromotion);
  // Checkout money outcomes, only when configured, so quotes of stores without them keep their digests.
  if (q.shipping) {
    d.text("shipping");
    d.text(q.shipping->chosen.id);
    d.number(q.shipping->chosen.amount);
    d.number(q.shipping->tax.value_or(-1));
  }
  if (q.taxConfigured) {
    d.text(q.taxIncluded ? "tax-included" : "tax-excluded");
    d.number(static_cast<int64_t>(q.taxes.size()));
    for (const auto& t : q.taxes) {
      d.text(t.id);
      d.number(t.amount);
    }
    for (const auto& l : q.lines) d.number(l.tax.value_or(0));
  }
  if (q.grandTotal) {
    d.text("grandTotal");
    d.number(*q.grandTotal);
  }
  return d.finish();
}

namespace {

std::string renderQuote(const Quote& q, const VerdictOutcomes* verdicts) {
  const std::size_t outcomes = verdicts ? verdicts->priced.promotions.size() + verdicts->priced.priceRules.size()
                                        : q.promotions.size() + q.priceRules.size();
  CanonicalWriter w(1024 + 512 * (q.lines.size() + outcomes));
  const int e = q.exponent;
  w.beginObject();
  w.key("ok");
  w.boolean(true);
  w.key("quote");
  w.beginObject();
  if (q.bestDeal) {
    w.key("bestDeal");
    writeBestDeal(w, *q.bestDeal, e);
  }
  w.field("configDigest", q.configDigest);
  const bool outcomesListed = q.explain != ExplainLevel::None;
  if (outcomesListed) {
    w.key("coupons");
    writeCoupons(w, q, verdicts);
  }
  w.field("currency", q.currency);
  w.field("digest", q.digest);
  if (q.explain != ExplainLevel::All) w.field("explain", q.explain == ExplainLevel::Applied ? "applied" : "none");
  w.key("freeShipping");
  if (q.freeShippingPromotion.empty()) {
    w.null();
  } else {
    w.beginObject();
    w.field("promotion", q.freeShippingPromotion);
    w.endObject();
  }
  if (q.heldFacts) {
    w.key("heldFacts");
    writeHeldFacts(w, *q.heldFacts);
  }
  w.key("lines");
  w.beginArray();
  for (const auto& l : q.lines) writeLine(w, l, e);
  w.endArray();
  if (!q.locale.empty()) w.field("locale", q.locale);
  if (q.margin) {
    w.key("margin");
    writeMargin(w, *q.margin, e);
  }
  if (!q.nudges.empty()) {
    w.key("nudges");
    writeNudges(w, q.nudges, e);
  }
  if (outcomesListed) {
    w.key("priceRules");
    writePriceRules(w, q, verdicts);
    w.key("promotions");
    writePromotions(w, q, verdicts);
  }
  if (q.shipping) {
    w.key("shipping");
    writeShipping(w, *q.shipping, e);
  }
  if (q.stacking) {
    w.key("stacking");
    w.beginObject();
    w.numberField("combinations", q.stacking->combinations);
    if (!q.stacking->exhaustive) {
      w.key("exhaustive");
      w.boolean(false);
    }
    w.endObject();
  }
  if (q.taxConfigured) {
    w.key("tax");
    w.beginObject();
    w.key("included");
    w.boolean(q.taxIncluded);
    w.key("rates");
    w.beginArray();
    for (const auto& t : q.taxes) {
      w.beginObject();
      w.moneyField("amount", t.amount, e);
      w.field("id", t.id);
      w.field("name", t.name);
      w.field("percent", formatPercent(t.percentPpm));
      w.endObject();
    }
    w.endArray();
    w.moneyField("total", q.taxTotal, e);
    w.endObject();
  }
  w.key("totals");
  w.beginObject();
  if (q.grandTotal) w.moneyField("grandTotal", *q.grandTotal, e);
  w.moneyField("listSubtotal", q.listSubtotal, e);
  w.moneyField("priceRuleSavings", q.priceRuleSavings, e);
  w.moneyField("promotionSavings", q.promotionSavings, e);
  if (q.shipping) w.moneyField("shipping", q.shipping->chosen.amount, e);
  if (q.taxConfigured) w.moneyField("tax", q.taxTotal, e);
  w.moneyField("total", q.total, e);
  w.endObject();
  if (!q.warnings.empty()) {
    w.key("warnings");
    w.beginArray();
    for (const auto& warning : q.warnings) {
      w.beginObject();
      w.field("code", warning.code);
      if (!warning.line.empty()) w.field("line", warning.line);
      w.field("message", warning.message);
      if (!warning.pointer.empty()) w.field("pointer", warning.pointer);
      w.endObject();
    }
    w.endArray();
  }
  w.endObject();
  w.endObject();
  return w.take();
}

}  // namespace

std::string renderQuoteJson(const Quote& q) { return renderQuote(q, nullptr); }

std::string renderQuoteJson(const Quote& q, const VerdictOutcomes& outcomes) { return renderQuote(q, &outcomes); }

}  // namespace cartcore
