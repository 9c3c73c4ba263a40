// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE cartcore_schema
#include <boost/test/unit_test.hpp>
