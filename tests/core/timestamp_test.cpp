// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "input_error.hpp"
#include "timestamp.hpp"

using namespace cartcore;

BOOST_AUTO_TEST_SUITE(timestamp)

BOOST_AUTO_TEST_CASE(parses_utc_with_and_without_millis) {
  BOOST_TEST(parseTimestamp("1970-01-01T00:00:00Z", "/t") == 0);
  BOOST_TEST(parseTimestamp("1970-01-01T00:00:00.001Z", "/t") == 1);
  BOOST_TEST(parseTimestamp("2026-11-27T09:00:00.000Z", "/t") == 1795770000000);
  BOOST_TEST(parseTimestamp("2024-02-29T23:59:59.999Z", "/t") == 1709251199999);
  BOOST_TEST(parseTimestamp("1969-12-31T23:59:59.999Z", "/t") == -1);
}

BOOST_AUTO_TEST_CASE(round_trips) {
  for (EpochMillis t : {0LL, 1LL, -1LL, 1795770000000LL, 1709251199999LL, 4102444799999LL}) {
    BOOST_TEST(parseTimestamp(formatTimestamp(t), "/t") == t);
  }
  BOOST_TEST(formatTimestamp(1795770000123) == "2026-11-27T09:00:00.123Z");
}

BOOST_AUTO_TEST_CASE(rejects_offsets_bad_dates_and_garbage) {
  for (const char* bad : {"2026-11-27T09:00:00+01:00", "2026-11-27 09:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T09:00:00.1Z", "now", ""}) {
    BOOST_TEST_CONTEXT(bad) {
      try {
        parseTimestamp(bad, "/now");
        BOOST_FAIL("accepted");
      } catch (const InputError& e) {
        BOOST_TEST((e.error.code == ErrorCode::InvalidValue));
        BOOST_TEST(e.error.pointer == "/now");
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
