// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4). The core cannot link OpenSSL (it also compiles to WASM), and a quote digest must be the
// same bytes on every target, so the core carries this small, test-vector-checked implementation.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cartcore {

/** Streaming SHA-256: feed bytes with update(), then read hexDigest() once. */
class Sha256 {
 public:
  /** A hash that always runs the portable compression, for tests that compare it with the CPU's SHA extensions. */
  static Sha256 portable();

  void update(std::string_view data);
  /** Lower-case hex digest; finishes the hash, so call it once. */
  std::string hexDigest();

 private:
  std::array<uint32_t, 8> state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  unsigned char buffer_[64] = {};
  std::size_t buffered_ = 0;
  uint64_t length_ = 0;
  bool portable_ = false;
};

/** True when this machine's SHA-256 runs on the CPU's SHA extensions (x86 SHA-NI) rather than portable code. */
bool sha256UsesCpuExtensions();

/** Lower-case hex SHA-256 of `data`. */
std::string sha256Hex(std::string_view data);

}  // namespace cartcore
