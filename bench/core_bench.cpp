// SPDX-License-Identifier: MIT
// Quote cost for a 10-line cart against 10 .. 10,000 rules. Run through scripts/bench, which records the figures.
// `cartcore_bench --dump-workload DIR` writes the same stores and carts as JSON for the WASM benchmark.
#include <benchmark/benchmark.h>
#include <cartcore/engine.hpp>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "workload.hpp"

namespace {

constexpr int kCarts = 64;
constexpr int kRuleCounts[] = {10, 100, 1000, 10000};

struct Fixture {
  cartcore::Engine engine;
  std::vector<std::string> carts;
  std::vector<cartcore::QuoteRequest> requests;
};

const Fixture& fixtureFor(int rules) {
  static std::map<int, Fixture> fixtures;  // benchmark-only cache; the core itself holds no state
  auto it = fixtures.find(rules);
  if (it != fixtures.end()) return it->second;
  auto engine = cartcore::Engine::compile(cartcore::bench::makeStore(rules));
  if (!engine) throw std::runtime_error(engine.error().message);
  Fixture f{engine.value(), cartcore::bench::makeCarts(kCarts), {}};
  for (const auto& cart : f.carts) f.requests.push_back(f.engine.parseRequest(cart).value());
  return fixtures.emplace(rules, std::move(f)).first->second;
}

// The typed API: what the server pays per quote once the request is parsed.
void BM_QuoteTyped(benchmark::State& state) {
  const Fixture& f = fixtureFor(static_cast<int>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    auto quote = f.engine.quote(f.requests[i++ % f.requests.size()]);
    benchmark::DoNotOptimize(quote);
  }
  // How much work the index leaves per cart: rules listed in the quote (relevant to its lines), and applied ones.
  double listed = 0, applied = 0;
  for (const auto& request : f.requests) {
    auto quote = f.engine.quote(request).value();
    listed += static_cast<double>(quote.promotions.size() + quote.priceRules.size());
    for (const auto& o : quote.promotions) applied += o.applied ? 1 : 0;
    for (const auto& o : quote.priceRules) applied += o.applied ? 1 : 0;
  }
  state.counters["rulesListed"] = listed / static_cast<double>(f.requests.size());
  state.counters["rulesApplied"] = applied / static_cast<double>(f.requests.size());
}

// The JSON facade: request text in, quote text out, as the CLI, the edge and the widget call it.
void BM_QuoteJson(benchmark::State& state) {
  const Fixture& f = fixtureFor(static_cast<int>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    std::string out = f.engine.quoteJson(f.carts[i++ % f.carts.size()]);
    benchmark::DoNotOptimize(out);
  }
}

void BM_Compile(benchmark::State& state) {
  std::string store = cartcore::bench::makeStore(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto engine = cartcore::Engine::compile(store);
    benchmark::DoNotOptimize(engine);
  }
}

void ruleCounts(benchmark::internal::Benchmark* b) {
  for (int n : kRuleCounts) b->Arg(n);
}

BENCHMARK(BM_QuoteTyped)->Apply(ruleCounts)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuoteJson)->Apply(ruleCounts)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Compile)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void dumpWorkload(const std::string& dir) {
  for (int n : kRuleCounts) std::ofstream(dir + "/store-" + std::to_string(n) + ".json") << cartcore::bench::makeStore(n);
  std::ofstream carts(dir + "/carts.jsonl");
  for (const auto& cart : cartcore::bench::makeCarts(kCarts)) carts << cart << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--dump-workload") == 0) {
    dumpWorkload(argv[2]);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
