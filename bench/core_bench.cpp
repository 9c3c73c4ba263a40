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

// `checkout` turns on margin floors, tax and shipping (makeCheckoutStore) over the same rules and carts.
const Fixture& fixtureFor(int rules, bool checkout = false) {
  static std::map<std::pair<int, bool>, Fixture> fixtures;  // benchmark-only cache; the core itself holds no state
  auto it = fixtures.find({rules, checkout});
  if (it != fixtures.end()) return it->second;
  auto engine = cartcore::Engine::compile(checkout ? cartcore::bench::makeCheckoutStore(rules) : cartcore::bench::makeStore(rules));
  if (!engine) throw std::runtime_error(engine.error().message);
  Fixture f{engine.value(), checkout ? cartcore::bench::makeCheckoutCarts(kCarts) : cartcore::bench::makeCarts(kCarts), {}};
  for (const auto& cart : f.carts) {
    auto request = f.engine.parseRequest(cart);
    if (!request) throw std::runtime_error(request.error().message);
    f.requests.push_back(request.value());
  }
  return fixtures.emplace(std::make_pair(rules, checkout), std::move(f)).first->second;
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

// JSON in → JSON out at each explain level (0 all, 1 applied, 2 none): what skipping unlisted outcomes saves.
void BM_QuoteJsonExplain(benchmark::State& state) {
  const Fixture& f = fixtureFor(static_cast<int>(state.range(0)));
  static constexpr const char* kLevels[] = {"all", "applied", "none"};
  std::vector<std::string> carts;
  for (const auto& cart : f.carts) carts.push_back("{\"explain\":\"" + std::string(kLevels[state.range(1)]) + "\"," + cart.substr(1));
  std::size_t i = 0;
  for (auto _ : state) {
    std::string out = f.engine.quoteJson(carts[i++ % carts.size()]);
    benchmark::DoNotOptimize(out);
  }
  state.SetLabel(kLevels[state.range(1)]);
}

// The same carts and rules with margin floors, DE tax and shipping on: what the checkout features add per quote.
void BM_QuoteTypedCheckout(benchmark::State& state) {
  const Fixture& f = fixtureFor(static_cast<int>(state.range(0)), /*checkout=*/true);
  std::size_t i = 0;
  for (auto _ : state) {
    auto quote = f.engine.quote(f.requests[i++ % f.requests.size()]);
    if (!quote) state.SkipWithError(quote.error().message.c_str());
    benchmark::DoNotOptimize(quote);
  }
}

void BM_QuoteJsonCheckout(benchmark::State& state) {
  const Fixture& f = fixtureFor(static_cast<int>(state.range(0)), /*checkout=*/true);
  std::size_t i = 0;
  for (auto _ : state) {
    std::string out = f.engine.quoteJson(f.carts[i++ % f.carts.size()]);
    benchmark::DoNotOptimize(out);
  }
}

// The exact best-deal search: 12 held codes, with no code limit (every subset) and with 3 codes per order; and
// (BM_BestDealGrouped) 12 codes whose promotions fall into four groups on disjoint items, searched group by group.
void bestDeal(benchmark::State& state, bool grouped) {
  auto [store, request] = cartcore::bench::makeBestDealCase(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), grouped);
  auto engine = cartcore::Engine::compile(store);
  if (!engine) throw std::runtime_error(engine.error().message);
  auto parsed = engine.value().parseRequest(request);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  int64_t subsets = 0;
  for (auto _ : state) {
    auto quote = engine.value().quote(parsed.value());
    subsets = quote.value().bestDeal->subsetsPriced;
    benchmark::DoNotOptimize(quote);
  }
  state.counters["subsetsPriced"] = static_cast<double>(subsets);
}

void BM_BestDeal(benchmark::State& state) { bestDeal(state, false); }
void BM_BestDealGrouped(benchmark::State& state) { bestDeal(state, true); }

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
BENCHMARK(BM_QuoteJsonExplain)->ArgsProduct({{10, 1000}, {0, 1, 2}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuoteTypedCheckout)->Apply(ruleCounts)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuoteJsonCheckout)->Apply(ruleCounts)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BestDeal)->Args({12, 0})->Args({12, 3})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BestDealGrouped)->Args({12, 0})->Unit(benchmark::kMicrosecond);
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
