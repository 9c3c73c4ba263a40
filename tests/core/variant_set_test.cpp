// SPDX-License-Identifier: MIT
// VariantSet: members or exceptions, whichever is smaller, with the same answers as a plain sorted list.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <iterator>
#include <random>

#include "variant_set.hpp"

using cartcore::VariantSet;

namespace {

std::vector<uint32_t> members(const VariantSet& set) { return {set.begin(), set.end()}; }

std::vector<uint32_t> randomList(std::mt19937& random, uint32_t universe) {
  std::vector<uint32_t> out;
  const uint32_t density = random() % 101;  // 0 .. 100 %: empty, sparse, dense and full sets
  for (uint32_t v = 0; v < universe; ++v) {
    if (random() % 100 < density) out.push_back(v);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(variant_set)

BOOST_AUTO_TEST_CASE(everything_stores_nothing) {
  VariantSet all = VariantSet::all(100000);
  BOOST_TEST(all.isAll());
  BOOST_TEST(all.storedCount() == 0u);
  BOOST_TEST(all.size() == 100000u);
  BOOST_TEST(all.contains(0));
  BOOST_TEST(all.contains(99999));
  BOOST_TEST(!all.contains(100000));
  BOOST_TEST(all.front() == 0u);
  BOOST_TEST(std::distance(all.begin(), all.end()) == 100000);
  VariantSet none = complement(all);
  BOOST_TEST(none.empty());
  BOOST_TEST(none.storedCount() == 0u);
}

BOOST_AUTO_TEST_CASE(a_dense_set_keeps_its_exceptions) {
  std::vector<uint32_t> most;
  for (uint32_t v = 0; v < 1000; ++v) {
    if (v != 7 && v != 500) most.push_back(v);
  }
  VariantSet set = VariantSet::of(most, 1000);
  BOOST_TEST(set.storedCount() == 2u);
  BOOST_TEST(set.size() == 998u);
  BOOST_TEST(!set.contains(7));
  BOOST_TEST(set.contains(8));
  BOOST_TEST(members(set) == most);
}

BOOST_AUTO_TEST_CASE(algebra_matches_plain_lists) {
  std::mt19937 random(20261127);
  for (int iteration = 0; iteration < 400; ++iteration) {
    const uint32_t universe = 1 + random() % 60;
    const auto a = randomList(random, universe), b = randomList(random, universe);
    const VariantSet sa = VariantSet::of(a, universe), sb = VariantSet::of(b, universe);
    std::vector<uint32_t> u, i, notA;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(u));
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(i));
    for (uint32_t v = 0; v < universe; ++v) {
      if (!std::binary_search(a.begin(), a.end(), v)) notA.push_back(v);
    }
    BOOST_TEST_CONTEXT("iteration " << iteration) {
      BOOST_TEST(members(sa) == a);
      BOOST_TEST(members(unite(sa, sb)) == u);
      BOOST_TEST(members(intersect(sa, sb)) == i);
      BOOST_TEST(members(complement(sa)) == notA);
      BOOST_TEST(members(intersect(complement(sa), sb)) == members(VariantSet::of(
                     [&] { std::vector<uint32_t> d; std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(d)); return d; }(),
                     universe)));
      BOOST_TEST(sa.storedCount() <= universe / 2 + 1);
      for (uint32_t v = 0; v <= universe; ++v) BOOST_TEST(sa.contains(v) == std::binary_search(a.begin(), a.end(), v));
    }
  }
}

BOOST_AUTO_TEST_CASE(copies_share_storage_and_appends_copy_on_write) {
  VariantSet a = VariantSet::of({1, 2, 3}, 100);
  VariantSet b = a;
  b.push_back(50);
  BOOST_TEST(members(a) == (std::vector<uint32_t>{1, 2, 3}));
  BOOST_TEST(members(b) == (std::vector<uint32_t>{1, 2, 3, 50}));
}

BOOST_AUTO_TEST_SUITE_END()
