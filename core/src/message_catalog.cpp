// SPDX-License-Identifier: MIT
#include "message_catalog.hpp"

#include <algorithm>
#include <array>

#include "input_error.hpp"
#include "store.hpp"

namespace cartcore {
namespace {

struct CatalogRow {
  Message message;
  std::array<std::string_view, kLanguageCount> text;  // by Language
};

constexpr CatalogRow kCatalog[] = {
    {Message::None, {"", "", "", ""}},
#define CARTCORE_MESSAGE(id, english, german, french, spanish) {Message::id, {english, german, french, spanish}},
#include "message_catalog.inc"
#undef CARTCORE_MESSAGE
};

// The table is indexed by Message: each row sits at its enumerator's position.
constexpr bool rowsInEnumOrder() {
  for (std::size_t i = 0; i < std::size(kCatalog); ++i) {
    if (static_cast<std::size_t>(kCatalog[i].message) != i) return false;
  }
  return true;
}
static_assert(rowsInEnumOrder());

enum class Field { Amount, Amount2, Count, Count2, Count3, Time, Name, Name2, Variant, Sku, VariantId, Segments, Items, SpendItems, Unknown };

/** The field a placeholder names: dispatched on its first letter, as render() asks for one per placeholder. */
Field fieldNamed(std::string_view name) {
  if (name.empty()) return Field::Unknown;
  switch (name[0]) {
    case 'a':
      if (name == "amount") return Field::Amount;
      if (name == "amount2") return Field::Amount2;
      break;
    case 'c':
      if (name == "count") return Field::Count;
      if (name == "count2") return Field::Count2;
      if (name == "count3") return Field::Count3;
      break;
    case 't':
      if (name == "time") return Field::Time;
      break;
    case 'n':
      if (name == "name") return Field::Name;
      if (name == "name2") return Field::Name2;
      break;
    case 'v':
      if (name == "variant") return Field::Variant;
      if (name == "variantId") return Field::VariantId;
      break;
    case 's':
      if (name == "sku") return Field::Sku;
      if (name == "segments") return Field::Segments;
      if (name == "spendItems") return Field::SpendItems;
      break;
    case 'i':
      if (name == "items") return Field::Items;
      break;
    default: break;
  }
  return Field::Unknown;
}

bool isCount(Field field) { return field == Field::Count || field == Field::Count2 || field == Field::Count3; }

int64_t countOf(Field field, const Explanation& why) {
  return field == Field::Count ? why.count : field == Field::Count2 ? why.count2 : why.count3;
}

/** The position of the '}' closing the '{' at `open`, or npos. */
std::size_t matchingBrace(std::string_view text, std::size_t open) {
  // Most placeholders hold no brace of their own ({amount}, {name}): then the first '}' closes, found with memchr
  // rather than byte by byte (this loop was a third of writing a sentence).
  const std::size_t first = text.find('}', open + 1);
  if (first == std::string_view::npos) return first;
  if (text.substr(open + 1, first - open - 1).find('{') == std::string_view::npos) return first;
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

/** The first '|' outside nested braces, or npos. */
std::size_t topLevelBar(std::string_view text) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}') --depth;
    if (text[i] == '|' && depth == 0) return i;
  }
  return std::string_view::npos;
}

void render(std::string& out, std::string_view text, const Explanation& why, const LocaleFormat& format, const int64_t* hash);

/**
 * {items} (`count` units of what the selector names) or {spendItems} (what spending counts on), through the catalog
 * row for the noun's kind: rows[0] generic, then product, variant, attribute, category.
 */
void appendItems(std::string& out, const Explanation& why, const LocaleFormat& format, const std::array<Message, 5>& rows) {
  Explanation named = why;
  const ItemNoun::Kind kind = why.items ? why.items->kind : ItemNoun::Kind::Generic;
  if (why.items) {
    named.name = why.items->name;
    named.name2 = why.items->value;
  }
  render(out, messageTemplate(rows[static_cast<std::size_t>(kind)], format.language()), named, format, nullptr);
}

// In ItemNoun::Kind order.
constexpr std::array<Message, 5> kItemsRows = {Message::ItemsGeneric, Message::ItemsOfProduct, Message::ItemsOfVariant,
                                               Message::ItemsWithAttribute, Message::ItemsInCategory};
constexpr std::array<Message, 5> kSpendOnRows = {Message::SpendOnGeneric, Message::SpendOnProduct, Message::SpendOnVariant,
                                                 Message::SpendOnAttribute, Message::SpendOnCategory};

void appendField(std::string& out, Field field, const Explanation& why, const LocaleFormat& format) {
  switch (field) {
    case Field::Amount: format.money(out, why.amount); return;
    case Field::Amount2: format.money(out, why.amount2); return;
    case Field::Count:
    case Field::Count2:
    case Field::Count3: format.number(out, countOf(field, why)); return;
    case Field::Time: format.dateTime(out, why.time); return;
    case Field::Name: out.append(why.name); return;
    case Field::Name2: out.append(why.name2); return;
    case Field::Variant: out.append(why.variant->name); return;
    case Field::Sku: out.append(why.variant->sku); return;
    case Field::VariantId: out.append(why.variant->id); return;
    case Field::Segments: format.alternatives(out, *why.segments); return;
    case Field::Items: appendItems(out, why, format, kItemsRows); return;
    case Field::SpendItems: appendItems(out, why, format, kSpendOnRows); return;
    case Field::Unknown: break;
  }
  CARTCORE_ASSERT(!"unknown placeholder");
}

/** Writes `text` with its placeholders filled; `hash` is the number '#' stands for inside a plural form. */
void render(std::string& out, std::string_view text, const Explanation& why, const LocaleFormat& format, const int64_t* hash) {
  std::size_t run = 0;  // plain text is appended a run at a time, found with memchr rather than byte by byte
  for (;;) {
    const std::size_t i = hash ? text.find_first_of("{#", run) : text.find('{', run);
    if (i == std::string_view::npos) break;
    out.append(text.data() + run, i - run);
    if (text[i] == '#') {
      format.number(out, *hash);
      run = i + 1;
      continue;
    }
    const std::size_t close = matchingBrace(text, i);
    const std::string_view inner = text.substr(i + 1, close - i - 1);
    const std::size_t bar = inner.find('|');
    if (bar == std::string_view::npos) {
      appendField(out, fieldNamed(inner), why, format);
    } else {
      const int64_t n = countOf(fieldNamed(inner.substr(0, bar)), why);
      const std::string_view forms = inner.substr(bar + 1);
      const std::size_t split = topLevelBar(forms);
      render(out, format.singular(n) ? forms.substr(0, split) : forms.substr(split + 1), why, format, &n);
    }
    run = close + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

bool collect(std::string_view text, std::vector<std::string_view>& names) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return false;  // a '}' without its '{'
    if (text[i] != '{') continue;
    const std::size_t close = matchingBrace(text, i);
    if (close == std::string_view::npos) return false;
    const std::string_view inner = text.substr(i + 1, close - i - 1);
    const std::size_t bar = inner.find('|');
    const std::string_view name = inner.substr(0, bar);
    const Field field = fieldNamed(name);
    if (field == Field::Unknown) return false;
    names.push_back(name);
    if (bar != std::string_view::npos) {
      if (!isCount(field)) return false;
      const std::string_view forms = inner.substr(bar + 1);
      const std::size_t split = topLevelBar(forms);
      if (split == std::string_view::npos || topLevelBar(forms.substr(split + 1)) != std::string_view::npos) return false;
      if (!collect(forms.substr(0, split), names) || !collect(forms.substr(split + 1), names)) return false;
    }
    i = close;
  }
  return true;
}

}  // namespace

std::string_view messageTemplate(Message message, Language language) {
  return kCatalog[static_cast<std::size_t>(message)].text[static_cast<std::size_t>(language)];
}

void appendMessage(std::string& out, const Explanation& why, const LocaleFormat& format) {
  render(out, messageTemplate(why.message, format.language()), why, format, nullptr);
}

bool templatePlaceholders(std::string_view text, std::vector<std::string_view>& names) {
  names.clear();
  if (!collect(text, names)) return false;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return true;
}

}  // namespace cartcore
