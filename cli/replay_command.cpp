// SPDX-License-Identifier: MIT
// `cartcore replay`: the same replay as the server's jobs (libcartcore_replay), over an orders export file.
#include "replay_command.hpp"

#include <cartcore/replay.hpp>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "whole_file.hpp"

namespace cartcore::cli {

namespace {

constexpr const char* kReplayUsage =
    "usage: cartcore replay --orders export.ndjson [--orders more.ndjson] --draft draft.json [--top N] [--threads N]\n"
    "  export.ndjson: pages of GET /v1/admin/orders/export (config lines, order lines, end lines), concatenated\n";
constexpr std::size_t kBatch = 4096;  // orders priced per batch: memory stays bounded whatever the file size

bool parseCount(const char* text, long min, long max, long& out) {
  try {
    std::size_t used = 0;
    out = std::stol(text, &used);
    return used == std::string(text).size() && out >= min && out <= max;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int runReplay(int argc, char** argv) {
  std::vector<std::string> orderFiles;
  std::string draftPath;
  long top = 20, threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    if (arg == "--orders" && hasValue)
      orderFiles.push_back(argv[++i]);
    else if (arg == "--draft" && hasValue)
      draftPath = argv[++i];
    else if (arg == "--top" && hasValue && parseCount(argv[++i], 0, 1000, top))
      continue;
    else if (arg == "--threads" && hasValue && parseCount(argv[++i], 1, 256, threads))
      continue;
    else {
      std::cerr << "bad argument: " << arg << "\n" << kReplayUsage;
      return 2;
    }
  }
  std::string draftText;
  if (orderFiles.empty() || draftPath.empty() || !readWholeFile(draftPath, draftText)) {
    std::cerr << "replay needs --orders and a readable --draft\n" << kReplayUsage;
    return 2;
  }
  auto draft = Engine::compile(draftText);
  if (!draft) {
    std::cout << renderError(draft.error()) << "\n";
    return 1;
  }
  analytics::Replay replay(std::make_shared<analytics::CompiledConfig>(std::move(draft).value()),
                           {static_cast<std::size_t>(top), static_cast<unsigned>(threads)});
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> done{0};
  std::vector<analytics::ReplayOrder> batch;
  for (const auto& path : orderFiles) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "cannot read --orders " << path << "\n";
      return 2;
    }
    std::string text;
    for (long lineNumber = 1; std::getline(in, text); ++lineNumber) {
      if (text.empty()) continue;
      analytics::ExportLine line = analytics::parseExportLine(text);
      if (!line.error.empty()) {
        std::cerr << path << ":" << lineNumber << ": " << line.error << "\n";
        return 1;
      }
      if (line.type == "config" && !replay.hasVersion(line.configVersion)) {
        // Orders of a version come after its config line; compile each version once.
        auto compiled = Engine::compile(line.configJson);
        if (!compiled) {
          std::cerr << path << ":" << lineNumber << ": config version " << line.configVersion
                    << " does not compile: " << renderError(compiled.error()) << "\n";
          return 1;
        }
        replay.run(batch, cancel, done);  // earlier orders first, so a version is never replaced under them
        batch.clear();
        replay.addVersion(line.configVersion, std::make_shared<analytics::CompiledConfig>(std::move(compiled).value()));
      } else if (line.order) {
        batch.push_back(std::move(*line.order));
        if (batch.size() == kBatch) {
          replay.run(batch, cancel, done);
          batch.clear();
        }
      }
    }
  }
  replay.run(batch, cancel, done);
  std::cout << replay.reportJson() << "\n";
  return 0;
}

}  // namespace cartcore::cli
