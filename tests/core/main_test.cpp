// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE cartcore
#include <boost/test/unit_test.hpp>
