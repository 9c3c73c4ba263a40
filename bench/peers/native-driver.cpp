// SPDX-License-Identifier: MIT
// Native side of the peer benchmark (bench/peers/run.mjs): compiles one store, loads its carts, then answers
// commands on stdin so the orchestrator can interleave native samples with WASM, Medusa and Vendure samples in
// one run without timing process start-up or the compile.
//
//   cartcore_peer_driver STORE.json CARTS.jsonl
//   stdin:  "quotes"      -> one quote JSON per cart, then a line "end"
//           "sample MS"   -> quotes the carts round-robin for at least MS milliseconds through Engine::quoteJson
//                            (request text in, quote text out), prints {"usPerQuote":…,"quotes":…}
//           "sample-typed MS" -> the same through Engine::quote on requests parsed once up front (no JSON either
//                            way), the closest match to the peers, which are handed ready-made objects
//           "quit"
#include <cartcore/engine.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> readLines(const char* path) {
  std::istringstream text(readFile(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(text, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

struct Sample {
  double usPerQuote;
  std::size_t quotes;
};

/** Runs `quoteOnce` back to back for at least `minMs`, reading the clock every 16 quotes so its cost stays out. */
template <typename QuoteOnce>
Sample timeQuotes(double minMs, QuoteOnce quoteOnce) {
  std::size_t quotes = 0;
  const auto started = std::chrono::steady_clock::now();
  double elapsedMs = 0;
  while (elapsedMs < minMs) {
    for (int k = 0; k < 16; ++k) quoteOnce();
    quotes += 16;
    elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  }
  return {elapsedMs * 1000.0 / static_cast<double>(quotes), quotes};
}

void printSample(const Sample& sample) {
  std::cout << "{\"usPerQuote\":" << sample.usPerQuote << ",\"quotes\":" << sample.quotes << "}" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: cartcore_peer_driver STORE.json CARTS.jsonl\n";
    return 2;
  }
  try {
    auto compiled = cartcore::Engine::compile(readFile(argv[1]));
    if (!compiled) {
      std::cerr << "store does not compile: " << compiled.error().message << "\n";
      return 1;
    }
    const cartcore::Engine& engine = compiled.value();
    const std::vector<std::string> carts = readLines(argv[2]);
    if (carts.empty()) throw std::runtime_error("no carts");

    std::vector<cartcore::QuoteRequest> requests;
    for (const auto& cart : carts) {
      auto request = engine.parseRequest(cart);
      if (!request) throw std::runtime_error("cart does not parse: " + request.error().message);
      requests.push_back(std::move(request.value()));
    }

    std::size_t next = 0;
    volatile std::size_t sink = 0;  // keeps the optimiser from dropping quotes whose output is otherwise unused
    for (std::string command; std::getline(std::cin, command);) {
      if (command == "quit") break;
      if (command == "quotes") {
        for (const auto& cart : carts) std::cout << engine.quoteJson(cart) << "\n";
        std::cout << "end" << std::endl;
      } else if (command.rfind("sample ", 0) == 0) {
        const double minMs = std::stod(command.substr(7));
        printSample(timeQuotes(minMs, [&] { sink = sink + engine.quoteJson(carts[next++ % carts.size()]).size(); }));
      } else if (command.rfind("sample-typed ", 0) == 0) {
        const double minMs = std::stod(command.substr(13));
        printSample(timeQuotes(minMs, [&] { sink = sink + engine.quote(requests[next++ % requests.size()]).value().lines.size(); }));
      } else {
        std::cerr << "unknown command: " << command << "\n";
        return 2;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "cartcore_peer_driver: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
