// SPDX-License-Identifier: MIT
// main() for fuzz targets outside libFuzzer (any compiler): replays saved inputs, so every finding stays a regression
// test, and can feed a target seeded pseudo-random inputs, so its invariants are checked in every build.
//   <target>-replay FILE_OR_DIR...            each file is one input
//   <target>-replay --random COUNT [SEED]     COUNT inputs of 16..256 bytes from a fixed generator
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace {

int replayFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--random" && i + 1 < argc) {
      long count = std::stol(argv[++i]);
      uint64_t state = i + 1 < argc ? std::stoull(argv[++i]) : 20261127;
      for (long n = 0; n < count; ++n) {
        auto next = [&] {  // splitmix64: a fixed, portable sequence
          uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
          z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
          z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
          return z ^ (z >> 31);
        };
        std::vector<uint8_t> bytes(16 + next() % 241);
        for (auto& b : bytes) b = static_cast<uint8_t>(next());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
        ++inputs;
      }
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) inputs += replayFile(entry.path());
      }
    } else {
      inputs += replayFile(arg);
    }
  }
  std::printf("%s: %d inputs passed\n", argv[0], inputs);
  return 0;
}
