// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: the golden corpus as compiled engines and parsed requests, a deterministic reader of
// fuzzer bytes, and a check that aborts with a message (libFuzzer records an abort as a finding; a replay fails).
#pragma once

#include <cartcore/engine.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cartcore::fuzz {

/** A broken invariant is a finding: print what broke and abort, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, what)                                                                        \
  do {                                                                                                \
    if (!(cond)) {                                                                                    \
      std::fprintf(stderr, "invariant failed: %s (%s) at %s:%d\n", #cond, std::string(what).c_str(), \
                   __FILE__, __LINE__);                                                               \
      std::abort();                                                                                   \
    }                                                                                                 \
  } while (0)

/** One golden case that quotes successfully: its store, its request, and the codes and segments it could use. */
struct GoldenStore {
  std::string name;
  nlohmann::json config;
  std::optional<Engine> engine;
  QuoteRequest request;
  std::vector<std::string> couponCodes;  // every code the config's promotions name
  std::vector<std::string> segments;     // every segment the config names
  std::vector<std::string> variants;
};

/** Every golden case whose request quotes without error, in path order (loaded once). */
const std::vector<GoldenStore>& goldenStores();

/** Reads fuzzer bytes as small decisions; past the end it keeps answering the lowest choice, so every input is valid. */
class ByteReader {
 public:
  ByteReader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  /** An integer in [lo, hi], from as many bytes as the range needs. */
  int64_t integer(int64_t lo, int64_t hi) {
    uint64_t range = static_cast<uint64_t>(hi - lo);
    uint64_t value = 0;
    for (uint64_t seen = 0; seen < range && offset_ < size_; seen = (seen << 8) | 0xff) value = (value << 8) | data_[offset_++];
    return lo + static_cast<int64_t>(range == UINT64_MAX ? value : value % (range + 1));
  }
  bool boolean() { return integer(0, 1) == 1; }
  std::size_t index(std::size_t count) { return count == 0 ? 0 : static_cast<std::size_t>(integer(0, static_cast<int64_t>(count) - 1)); }
  bool exhausted() const { return offset_ >= size_; }

 private:
  const uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

}  // namespace cartcore::fuzz
