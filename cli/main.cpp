// SPDX-License-Identifier: MIT
// The cartcore command-line tool: the JSON facade over files, for scripts, goldens and parity checks.
#include <cartcore/engine.hpp>

#include <iostream>
#include <string>

#include "breakdown.hpp"
#include "exit_codes.hpp"
#include "replay_command.hpp"
#include "whole_file.hpp"
#include "woo_import.hpp"

namespace {

using namespace cartcore::cli;

const char* kUsage =
    "usage:\n"
    "  cartcore quote    --config store.json --cart cart.json   print the quote JSON\n"
    "  cartcore explain  --config store.json --cart cart.json   print a readable breakdown\n"
    "  cartcore validate --config store.json                    check a store config\n"
    "  cartcore quote-batch                                     stdin: one {\"config\",\"request\"} JSON per line;\n"
    "                                                           stdout: one quote JSON per line\n"
    "  cartcore import woocommerce --api DIR | --csv products.csv --out store.json [--report report.json]\n"
    "                                                           a WooCommerce store to a config (import woocommerce --help)\n"
    "  cartcore replay   --orders export.ndjson --draft draft.json  replay committed orders under a draft config\n"
    "  cartcore version\n";

int exitCodeFor(const std::string& responseJson) {
  auto response = nlohmann::json::parse(responseJson);
  if (response.value("ok", false)) return kExitOk;
  return response["error"]["code"] == "internal_error" ? kExitInternal : kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string command = argv[1];
  if (command == "import") return cartcore::import::runImportCommand(argc - 2, argv + 2, std::cout, std::cerr);
  if (command == "replay") return cartcore::cli::runReplay(argc - 2, argv + 2);
  std::string configPath, cartPath;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--config" || arg == "--cart") && i + 1 < argc) {
      (arg == "--config" ? configPath : cartPath) = argv[++i];
    } else {
      std::cerr << "unknown argument: " << arg << "\n" << kUsage;
      return kExitUsage;
    }
  }
  if (command == "version") {
    std::cout << cartcore::version() << "\n";
    return kExitOk;
  }
  if (command == "quote-batch") {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      auto item = nlohmann::json::parse(line, nullptr, false);
      if (item.is_discarded() || !item.contains("config") || !item.contains("request")) {
        std::cerr << "quote-batch: each line must be {\"config\":…,\"request\":…}\n";
        return kExitUsage;
      }
      const auto& config = item["config"];
      const auto& request = item["request"];
      std::cout << cartcore::quoteJson(config.is_string() ? config.get<std::string>() : config.dump(),
                                       request.is_string() ? request.get<std::string>() : request.dump())
                << "\n";
    }
    return kExitOk;
  }
  std::string config, cart;
  if (configPath.empty() || !readWholeFile(configPath, config)) {
    std::cerr << "cannot read --config " << configPath << "\n" << kUsage;
    return kExitUsage;
  }
  if (command == "validate") {
    std::string result = cartcore::validateConfigJson(config);
    std::cout << result << "\n";
    return exitCodeFor(result);
  }
  if (command != "quote" && command != "explain") {
    std::cerr << "unknown command: " << command << "\n" << kUsage;
    return kExitUsage;
  }
  if (cartPath.empty() || !readWholeFile(cartPath, cart)) {
    std::cerr << "cannot read --cart " << cartPath << "\n" << kUsage;
    return kExitUsage;
  }
  std::string result = cartcore::quoteJson(config, cart);
  if (command == "quote") {
    std::cout << result << "\n";
  } else {
    std::cout << cartcore::cli::renderBreakdown(nlohmann::json::parse(result));
  }
  return exitCodeFor(result);
}
