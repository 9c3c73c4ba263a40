// SPDX-License-Identifier: MIT
// VariantIndex: the store's id -> variant index table gives the same answers as a std::map over the same ids.
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <stdexcept>
#include <string>

#include "variant_index.hpp"

using cartcore::VariantIndex;

BOOST_AUTO_TEST_SUITE(variant_index)

BOOST_AUTO_TEST_CASE(empty_index_finds_nothing) {
  const VariantIndex index;
  BOOST_TEST(index.size() == 0u);
  BOOST_TEST((index.find("tee") == index.end()));
  BOOST_TEST(index.count("") == 0u);
  BOOST_CHECK_THROW(index.at("tee"), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(finds_every_id_and_nothing_else) {
  // 5,000 ids grow the table through several rehashes; lookups of near misses (a prefix, one more character, a
  // changed last character) must not match, and the empty id is an id like any other.
  VariantIndex index;
  std::map<std::string, uint32_t> reference;
  std::mt19937 random(12);
  for (uint32_t i = 0; i < 5000; ++i) {
    std::string id = "p" + std::to_string(random() % 2000) + "-v" + std::to_string(i % 10);
    if (i == 4999) id = "";
    const bool added = index.emplace(id, i);
    BOOST_TEST(added == reference.emplace(id, i).second);  // a repeated id keeps its first index
  }
  BOOST_TEST(index.size() == reference.size());
  for (const auto& [id, position] : reference) {
    const auto* entry = index.find(id);
    BOOST_REQUIRE(entry != index.end());
    BOOST_TEST(entry->second == position);
    BOOST_TEST(index.at(id) == position);
    BOOST_TEST(index.count(id + "x") == reference.count(id + "x"));
    if (!id.empty()) {
      BOOST_TEST(index.count(id.substr(0, id.size() - 1)) == reference.count(id.substr(0, id.size() - 1)));
      std::string changed = id;
      changed.back() = static_cast<char>(changed.back() ^ 1);
      BOOST_TEST(index.count(changed) == reference.count(changed));
    }
  }
  BOOST_CHECK_THROW(index.at("no-such-variant"), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(copies_answer_alone) {
  // A compiled store may be copied; the copy owns its ids.
  VariantIndex copy;
  {
    VariantIndex original;
    original.emplace("tee-red-s", 0);
    original.emplace("tee-red-m", 1);
    copy = original;
  }
  BOOST_TEST(copy.at("tee-red-m") == 1u);
  BOOST_TEST(copy.count("tee-red-l") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
