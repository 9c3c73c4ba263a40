// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE cartcore_import
#include <boost/test/unit_test.hpp>
