// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4). The core cannot link OpenSSL (it also compiles to WASM), and a quote digest must be the
// same bytes on every target, so the core carries this small, test-vector-checked implementation.
#pragma once

#include <string>
#include <string_view>

namespace cartcore {

/** Lower-case hex SHA-256 of `data`. */
std::string sha256Hex(std::string_view data);

}  // namespace cartcore
