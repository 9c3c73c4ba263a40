// SPDX-License-Identifier: MIT
// cartcore-server: one command starts an HTTP server on a SQLite store (seeded with the sample store).
#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "admin_stream.hpp"
#include "analytics_api.hpp"
#include "api.hpp"
#include "http_server.hpp"
#include "keys_cli.hpp"
#include "replay_jobs.hpp"
#include "sample_data.hpp"
#include "shop.hpp"
#include "pg_storage.hpp"
#include "sqlite_storage.hpp"
#include "util.hpp"
#include "http_client.hpp"
#include "webhooks.hpp"
#include "woo_webhook_receiver.hpp"

namespace {

using namespace cartcore::server;

constexpr const char* kUsage = R"(cartcore-server: the Cartcore HTTP server (see server/README.md)
       cartcore-server keys create|list|revoke ...   (API keys; see "keys --help")

  --db PATH                 SQLite file (default ./cartcore.db; env CARTCORE_DB). Created and seeded if new.
  --database URL            PostgreSQL instead of SQLite: a libpq URI, postgresql://user@host:port/dbname (env
                            CARTCORE_DATABASE_URL). Any number of servers may share one database.
  --db-connections N        PostgreSQL connections per server (default: threads + 2)
  --host ADDR               listen address (default 127.0.0.1)
  --port N                  listen port; 0 picks a free one (default 8080; env CARTCORE_PORT)
  --threads N               I/O threads (default: CPU count; with PostgreSQL 4 per CPU, at least 8, because a
                            request thread waits for the database's disk flush)
  --max-connections N       open client connections at most; more wait in the listen backlog (default: the file
                            descriptor limit minus 64, at most 10000)
  --config FILE             store config to activate at start (new version if it differs)
  --no-seed                 do not seed a new database with the sample store
  --admin-token TOKEN       bootstrap admin key for /v1/admin (env CARTCORE_ADMIN_TOKEN; random if unset); scoped,
                            rotatable keys live in the database: cartcore-server keys create|list|revoke --help
  --customer-segments signed|trusted
                            where member segments come from: a verified Cartcore-Customer token (signed, the
                            default), or the cart's customer.segments as sent (trusted backends only)
  --customer-hmac-secret S  accept HS256 Cartcore-Customer tokens signed with S (env CARTCORE_CUSTOMER_HMAC_SECRET)
  --customer-ed25519-key F  accept EdDSA Cartcore-Customer tokens verified with the PEM public key in file F
  --hold-ttl SECONDS        default hold TTL (default 900)
  --max-holds-per-client N  active holds one client (a signed customer, else an IP) may have (default 5; 0 = off)
  --max-held-units-per-client N
                            units of one variant one client may hold at once (default 50; 0 = off)
  --max-extension-per-client SECONDS
                            extension time granted to one client's active holds in total (default 3600; 0 = off)
  --purchase-limit-window-hours N
                            a signed customer's bought units count against purchaseLimit this long (default 24)
  --hold-rate-per-ip N      holds one IP may create per minute, per server instance (default 30; 0 = off)
  --hold-burst-per-ip N     holds one IP may create at once before the rate applies (default 10)
  --max-hold-ttl SECONDS    longest TTL a client may ask for (default 86400)
  --max-body-bytes N        request body limit (default 1048576)
  --max-config-bytes N      config upload limit (default 16777216)
  --max-lines N             cart line limit (default 100)
  --cors-origin ORIGIN      allow this browser origin, or * (repeatable; env CARTCORE_CORS_ORIGINS, comma-separated)
  --webhook URL             deliver events as Cartcore JSON (repeatable; env CARTCORE_WEBHOOKS, comma-separated)
  --woocommerce-webhook URL deliver stock changes as WooCommerce REST batch updates to URL (the wc/v3 base)
  --woocommerce-auth K:S    consumer key and secret for the WooCommerce endpoint (HTTP Basic)
  --ca-file PEM             trust these CAs for https:// to WooCommerce instead of the system CA store
  --amqp URL                publish every event to RabbitMQ, amqp://user:password@host:port/vhost, with publisher
                            confirms (env CARTCORE_AMQP_URL); see server/README.md, "Events on RabbitMQ"
  --amqp-exchange NAME      the durable topic exchange events go to (default cartcore.events)
  --woocommerce-webhook-secret [RESOURCE=]S
                            accept WooCommerce webhooks at POST /v1/integrations/woocommerce/webhook signed with S
                            (repeatable: product=S1 coupon=S2 gives each resource its own secret; env
                            CARTCORE_WOOCOMMERCE_WEBHOOK_SECRET); needs --woocommerce-store
  --woocommerce-store DIR   the REST export the store was imported from; webhooks keep it current and each
                            change is imported again into a new config version
  --webhook-retry-ms N      first retry delay; doubles per attempt (default 500)
  --webhook-retry-max-ms N  longest retry delay (default 60000)
  --sweep-ms N              how often expired holds are swept (default 1000)
  --retention-days N        keep idempotency records, released/expired holds and delivered events this long (default 30)
  --synchronous normal|full SQLite: both survive a process crash (kill -9); full also survives power loss, at one
                            fsync per commit. PostgreSQL: checkouts, stock and config changes are always flushed
                            before they answer; full flushes holds, releases and expiry too (default normal)
  --config-poll-ms N        how often to look for a config version another server stored (default 500)
  --max-streams N           open admin event streams (GET /v1/admin/stream) at most (default 8)
  --stream-interval-ms N    how often the admin stream samples stock and holds (default 250)
  --replay-threads N        pricing threads of a config replay job (default: half the CPUs, at least 1)
  --analytics-facts on|off  off: checkouts record no analytics facts and quotes no stock switches (for measuring
                            what recording costs; the analytics then miss those orders) (default on)
  --test-clock              enable POST /v1/admin/test/clock (tests only)
  --clock-skew-ms N         shift this process's clock by N ms, negative allowed (tests only: a machine whose clock
                            is wrong; PostgreSQL still decides expiry on the database's clock)
)";

struct Options {
  std::string db = "cartcore.db";
  std::string databaseUrl;  // PostgreSQL when set
  std::size_t dbConnections = 0;
  int64_t configPollMillis = 500;
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;
  std::size_t maxConnections = 0;  // 0: derived from RLIMIT_NOFILE
  std::string configFile;
  bool seed = true;
  std::string adminToken;
  bool trustCartSegments = false;
  std::string customerHmacSecret;
  std::string customerEd25519KeyFile;
  int64_t holdTtlSeconds = 900;
  int64_t maxHoldsPerClient = 5;
  int64_t maxHeldUnitsPerClient = 50;
  int64_t maxExtensionSecondsPerClient = 3600;
  int64_t purchaseLimitWindowHours = 24;
  int64_t holdRatePerIp = 30;
  int64_t holdBurstPerIp = 10;
  int64_t maxHoldTtlSeconds = 86400;
  std::size_t maxBodyBytes = 1 << 20;
  std::size_t maxConfigBytes = 16 << 20;
  std::size_t maxLines = 100;
  std::vector<std::string> corsOrigins;
  std::vector<WebhookEndpoint> webhooks;
  std::string wooAuth;
  std::string caFile;
  std::string amqpExchange = "cartcore.events";
  WooWebhookOptions wooWebhooks;
  int64_t retryMillis = 500;
  int64_t retryMaxMillis = 60000;
  int64_t sweepMillis = 1000;
  int64_t retentionDays = 30;
  bool synchronousFull = false;
  bool testClock = false;
  int64_t clockSkewMillis = 0;
  std::size_t maxStreams = 8;
  int64_t streamIntervalMillis = 250;
  unsigned replayThreads = 0;  // 0: half the CPUs
  bool analyticsFacts = true;
};

std::vector<std::string> splitComma(const char* text) {
  std::vector<std::string> parts;
  if (!text) return parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ','))
    if (!part.empty()) parts.push_back(part);
  return parts;
}

std::string base64(const std::string& input) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < input.size(); i += 3) {
    unsigned v = (unsigned char)input[i] << 16 | (unsigned char)input[i + 1] << 8 | (unsigned char)input[i + 2];
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  if (i + 1 == input.size()) {
    unsigned v = (unsigned char)input[i] << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == input.size()) {
    unsigned v = (unsigned char)input[i] << 16 | (unsigned char)input[i + 1] << 8;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

bool parseOptions(int argc, char** argv, Options& o) {
  if (const char* v = std::getenv("CARTCORE_DB")) o.db = v;
  if (const char* v = std::getenv("CARTCORE_DATABASE_URL")) o.databaseUrl = v;
  if (const char* v = std::getenv("CARTCORE_PORT")) o.port = static_cast<unsigned short>(std::atoi(v));
  if (const char* v = std::getenv("CARTCORE_ADMIN_TOKEN")) o.adminToken = v;
  if (const char* v = std::getenv("CARTCORE_CUSTOMER_HMAC_SECRET")) o.customerHmacSecret = v;
  auto addWooSecret = [&o](const std::string& text) {
    std::size_t equals = text.find('=');
    std::string resource = equals == std::string::npos ? "" : text.substr(0, equals);
    if (resource != "" && resource != "product" && resource != "coupon") resource.clear(), equals = std::string::npos;
    o.wooWebhooks.secrets[resource] = equals == std::string::npos ? text : text.substr(equals + 1);
  };
  if (const char* v = std::getenv("CARTCORE_WOOCOMMERCE_WEBHOOK_SECRET")) addWooSecret(v);
  o.corsOrigins = splitComma(std::getenv("CARTCORE_CORS_ORIGINS"));
  for (const auto& url : splitComma(std::getenv("CARTCORE_WEBHOOKS"))) o.webhooks.push_back({url, WebhookFormat::Cartcore, "", "", ""});
  if (const char* v = std::getenv("CARTCORE_AMQP_URL"); v && *v) o.webhooks.push_back({v, WebhookFormat::Amqp, "", "", ""});
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> int64_t {
      std::string text = value();
      std::size_t used = 0;
      int64_t n = std::stoll(text, &used);
      if (used != text.size() || n < 0) throw std::invalid_argument(arg + " needs a non-negative integer");
      return n;
    };
    if (arg == "--db") {
      o.db = value();
      o.databaseUrl.clear();  // an explicit SQLite file wins over the environment's URL
    } else if (arg == "--database") o.databaseUrl = value();
    else if (arg == "--db-connections") o.dbConnections = static_cast<std::size_t>(std::max<int64_t>(1, number()));
    else if (arg == "--config-poll-ms") o.configPollMillis = std::max<int64_t>(10, number());
    else if (arg == "--host") o.host = value();
    else if (arg == "--port") o.port = static_cast<unsigned short>(number());
    else if (arg == "--threads") o.threads = static_cast<unsigned>(number());
    else if (arg == "--max-connections") o.maxConnections = static_cast<std::size_t>(std::max<int64_t>(1, number()));
    else if (arg == "--config") o.configFile = value();
    else if (arg == "--no-seed") o.seed = false;
    else if (arg == "--admin-token") o.adminToken = value();
    else if (arg == "--customer-segments") {
      std::string mode = value();
      if (mode != "signed" && mode != "trusted") throw std::invalid_argument("--customer-segments is signed or trusted");
      o.trustCartSegments = mode == "trusted";
    } else if (arg == "--customer-hmac-secret") o.customerHmacSecret = value();
    else if (arg == "--customer-ed25519-key") o.customerEd25519KeyFile = value();
    else if (arg == "--hold-ttl") o.holdTtlSeconds = number();
    else if (arg == "--max-holds-per-client") o.maxHoldsPerClient = number();
    else if (arg == "--max-held-units-per-client") o.maxHeldUnitsPerClient = number();
    else if (arg == "--max-extension-per-client") o.maxExtensionSecondsPerClient = std::min<int64_t>(number(), 366LL * 86400);
    else if (arg == "--purchase-limit-window-hours") o.purchaseLimitWindowHours = std::min<int64_t>(number(), 24 * 3660);
    else if (arg == "--hold-rate-per-ip") o.holdRatePerIp = std::min<int64_t>(number(), 1'000'000);
    else if (arg == "--hold-burst-per-ip") o.holdBurstPerIp = std::clamp<int64_t>(number(), 1, 1'000'000);
    else if (arg == "--max-hold-ttl") o.maxHoldTtlSeconds = number();
    else if (arg == "--max-body-bytes") o.maxBodyBytes = static_cast<std::size_t>(number());
    else if (arg == "--max-config-bytes") o.maxConfigBytes = static_cast<std::size_t>(number());
    else if (arg == "--max-lines") o.maxLines = static_cast<std::size_t>(number());
    else if (arg == "--cors-origin") o.corsOrigins.push_back(value());
    else if (arg == "--webhook") o.webhooks.push_back({value(), WebhookFormat::Cartcore, "", "", ""});
    else if (arg == "--woocommerce-webhook") o.webhooks.push_back({value(), WebhookFormat::WooCommerce, "", "", ""});
    else if (arg == "--woocommerce-auth") o.wooAuth = value();
    else if (arg == "--ca-file") o.caFile = value();
    else if (arg == "--amqp") o.webhooks.push_back({value(), WebhookFormat::Amqp, "", "", ""});
    else if (arg == "--amqp-exchange") o.amqpExchange = value();
    else if (arg == "--woocommerce-webhook-secret") addWooSecret(value());
    else if (arg == "--woocommerce-store") o.wooWebhooks.storeDirectory = value();
    else if (arg == "--webhook-retry-ms") o.retryMillis = std::max<int64_t>(1, number());
    else if (arg == "--webhook-retry-max-ms") o.retryMaxMillis = std::max<int64_t>(1, number());
    else if (arg == "--sweep-ms") o.sweepMillis = std::max<int64_t>(10, number());
    else if (arg == "--retention-days") o.retentionDays = std::clamp<int64_t>(number(), 1, 36500);
    else if (arg == "--synchronous") {
      std::string mode = value();
      if (mode != "full" && mode != "normal") throw std::invalid_argument("--synchronous is full or normal");
      o.synchronousFull = mode == "full";
    } else if (arg == "--max-streams") o.maxStreams = static_cast<std::size_t>(std::clamp<int64_t>(number(), 1, 1000));
    else if (arg == "--stream-interval-ms") o.streamIntervalMillis = std::clamp<int64_t>(number(), 10, 60000);
    else if (arg == "--replay-threads") o.replayThreads = static_cast<unsigned>(std::clamp<int64_t>(number(), 1, 256));
    else if (arg == "--analytics-facts") {
      std::string mode = value();
      if (mode != "on" && mode != "off") throw std::invalid_argument("--analytics-facts is on or off");
      o.analyticsFacts = mode == "on";
    }
    else if (arg == "--test-clock") o.testClock = true;
    else if (arg == "--clock-skew-ms") {
      std::string text = value();
      std::size_t used = 0;
      o.clockSkewMillis = std::stoll(text, &used);
      if (used != text.size()) throw std::invalid_argument("--clock-skew-ms needs an integer");
    }
    else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else throw std::invalid_argument("unknown option " + arg);
  }
  if (!o.customerHmacSecret.empty() && o.customerHmacSecret.size() < 32)
    throw std::invalid_argument("--customer-hmac-secret needs at least 32 bytes (e.g. openssl rand -hex 32)");
  for (const auto& [resource, secret] : o.wooWebhooks.secrets)
    if (secret.size() < 16) throw std::invalid_argument("--woocommerce-webhook-secret needs at least 16 bytes");
  if (o.wooWebhooks.secrets.empty() != o.wooWebhooks.storeDirectory.empty())
    throw std::invalid_argument("--woocommerce-webhook-secret and --woocommerce-store go together");
  if (o.holdTtlSeconds < 1 || o.holdTtlSeconds > o.maxHoldTtlSeconds)
    throw std::invalid_argument("--hold-ttl must be between 1 and --max-hold-ttl");
  for (auto& endpoint : o.webhooks) {
    if (endpoint.format == WebhookFormat::Amqp) {
      if (endpoint.url.rfind("amqp://", 0) != 0) throw std::invalid_argument("--amqp needs an amqp:// URL");
      if (o.amqpExchange.empty() || o.amqpExchange.size() > 127) throw std::invalid_argument("--amqp-exchange needs a name");
      endpoint.exchange = o.amqpExchange;
    }
    if (endpoint.format == WebhookFormat::Cartcore && endpoint.url.rfind("http://", 0) != 0)
      throw std::invalid_argument("webhook URLs must start with http://");
    if (endpoint.format == WebhookFormat::WooCommerce) {
      if (!parseHttpUrl(endpoint.url)) throw std::invalid_argument("--woocommerce-webhook needs an https:// (or http://) URL");
      if (!o.wooAuth.empty()) endpoint.authorization = "Basic " + base64(o.wooAuth);
      endpoint.caFile = o.caFile;
    }
  }
  return true;
}

/** The soft limit on open file descriptors (RLIMIT_NOFILE), or 1024 if it cannot be read. */
std::size_t fileDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  return static_cast<std::size_t>(limit.rlim_cur);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void sweepLoop(boost::asio::steady_timer& timer, Shop& shop, int64_t millis, int64_t round = 0) {
  timer.expires_after(std::chrono::milliseconds(millis));
  timer.async_wait([&timer, &shop, millis, round](boost::system::error_code ec) {
    if (ec) return;
    try {
      shop.expireDueHolds();
      // Retention is measured in days: purging about once a minute is plenty.
      if (round % std::max<int64_t>(1, 60000 / millis) == 0) shop.purgeExpiredRecords();
      // Analytics rollups advance once a day; checking every ten seconds catches up a backlog soon after start.
      if (round % std::max<int64_t>(1, 10000 / millis) == 0) shop.rollUpAnalytics();
    } catch (const std::exception& e) {
      std::cerr << "hold sweep failed (will retry): " << e.what() << "\n";
    }
    sweepLoop(timer, shop, millis, round + 1);
  });
}

/** Follows the active config version in the database, which another server may have changed. */
void configLoop(boost::asio::steady_timer& timer, Shop& shop, int64_t millis) {
  timer.expires_after(std::chrono::milliseconds(millis));
  timer.async_wait([&timer, &shop, millis](boost::system::error_code ec) {
    if (ec) return;
    try {
      shop.followActiveConfig();
    } catch (const std::exception& e) {
      std::cerr << "config poll failed (will retry): " << e.what() << "\n";
    }
    configLoop(timer, shop, millis);
  });
}

/** The URL without its password, for the start-up line. */
std::string redactedUrl(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "keys") return runKeysCommand(argc - 1, argv + 1);
  Options options;
  try {
    parseOptions(argc, argv, options);
  } catch (const std::exception& e) {
    std::cerr << "cartcore-server: " << e.what() << "\n" << kUsage;
    return 2;
  }
  try {
    bool generatedToken = options.adminToken.empty();
    if (generatedToken) options.adminToken = randomId("adm_");

    ServerClock clock(options.clockSkewMillis);
    std::vector<std::string> endpointKeys;
    for (const auto& endpoint : options.webhooks) endpointKeys.push_back(endpoint.key());
    const bool postgres = !options.databaseUrl.empty();
    unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    unsigned threads = options.threads ? options.threads : (postgres ? std::max(8u, 4 * cpus) : cpus);
    std::unique_ptr<Storage> storage;
    if (postgres) {
      PgOptions pg;
      pg.url = options.databaseUrl;
      pg.connections = options.dbConnections ? options.dbConnections : threads + 2;
      pg.durableHolds = options.synchronousFull;
      storage = std::make_unique<PgStorage>(pg, clock, endpointKeys);
    } else {
      storage = std::make_unique<SqliteStorage>(options.db, options.synchronousFull, clock, endpointKeys);
    }
    Metrics metrics;
    ShopOptions shopOptions;
    shopOptions.defaultHoldTtlMillis = options.holdTtlSeconds * 1000;
    shopOptions.maxHoldTtlMillis = options.maxHoldTtlSeconds * 1000;
    shopOptions.maxCartLines = options.maxLines;
    shopOptions.maxBodyBytes = options.maxBodyBytes;
    shopOptions.trustCartSegments = options.trustCartSegments;
    shopOptions.maxHoldsPerClient = options.maxHoldsPerClient;
    shopOptions.maxUnitsPerVariantPerClient = options.maxHeldUnitsPerClient;
    shopOptions.maxExtensionMillisPerClient = options.maxExtensionSecondsPerClient * 1000;
    shopOptions.purchaseLimitWindowMillis = options.purchaseLimitWindowHours * 60 * 60 * 1000;
    shopOptions.holdsPerMinutePerIp = options.holdRatePerIp;
    shopOptions.holdBurstPerIp = options.holdBurstPerIp;
    shopOptions.retentionMillis = options.retentionDays * 24 * 60 * 60 * 1000;
    shopOptions.recordAnalytics = options.analyticsFacts;
    Shop shop(*storage, clock, metrics, shopOptions);
    std::string startError = shop.start(options.configFile.empty() ? "" : readFile(options.configFile),
                                        options.seed ? kSampleStoreConfig : "", options.seed ? kSampleStock : "");
    if (!startError.empty()) {
      std::cerr << "cartcore-server: " << startError << "\n";
      return 1;
    }
    shop.expireDueHolds();  // holds that ran out while the server was down return their stock now
    metrics.renderGauges = [&shop] { return shop.renderGauges(); };

    WebhookDispatcher dispatcher(options.webhooks, *storage, metrics, options.retryMillis, options.retryMaxMillis);
    shop.onEventsWritten = [&dispatcher] { dispatcher.notify(); };
    dispatcher.start();

    // One io_context per thread (concurrency hint 1: no scheduler locking); the first also accepts and runs timers.
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
    std::vector<boost::asio::io_context*> workers;
    for (unsigned i = 0; i < threads; ++i) {
      contexts.push_back(std::make_unique<boost::asio::io_context>(1));
      workers.push_back(contexts.back().get());
    }
    std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keepRunning;
    for (auto& context : contexts) keepRunning.push_back(boost::asio::make_work_guard(*context));
    boost::asio::io_context& io = *contexts.front();
    ApiOptions apiOptions;
    apiOptions.customerKeys.hmacSecret = options.customerHmacSecret;
    if (!options.customerEd25519KeyFile.empty())
      apiOptions.customerKeys.ed25519 = Ed25519PublicKey::fromPem(readFile(options.customerEd25519KeyFile));
    apiOptions.testClock = options.testClock;
    apiOptions.maxBodyBytes = options.maxBodyBytes;
    apiOptions.maxConfigBytes = options.maxConfigBytes;
    std::unique_ptr<WooWebhookReceiver> wooWebhooks;
    if (!options.wooWebhooks.secrets.empty()) {
      wooWebhooks = std::make_unique<WooWebhookReceiver>(options.wooWebhooks, shop, metrics);
      wooWebhooks->start();
      apiOptions.wooWebhooks = wooWebhooks.get();
    }
    ApiKeys keys(*storage, options.adminToken);
    Api api(shop, keys, metrics, std::move(apiOptions));
    // Keep 64 descriptors for SQLite, the checkpointer, webhooks and the listening socket; past the cap, clients
    // wait in the backlog instead of the server failing accept() with EMFILE.
    const std::size_t descriptors = fileDescriptorLimit();
    std::size_t maxConnections = options.maxConnections;
    if (maxConnections == 0) maxConnections = std::clamp<std::size_t>(descriptors > 64 ? descriptors - 64 : 0, 16, 10000);
    else if (maxConnections + 64 > descriptors)
      std::cerr << "cartcore-server: --max-connections " << maxConnections << " is close to the file descriptor limit ("
                << descriptors << "); accepts will back off when descriptors run out\n";
    HttpOptions httpOptions;
    httpOptions.corsOrigins = options.corsOrigins;
    httpOptions.maxConnections = maxConnections;
    // Merchant analytics: declared after the io_contexts, so streams close before the contexts they post to.
    AnalyticsApi analyticsApi(*storage, shop, clock);
    unsigned replayThreads =
        options.replayThreads ? options.replayThreads : std::max(1u, std::thread::hardware_concurrency() / 2);
    ReplayJobs replayJobs(*storage, shop, clock, replayThreads);
    AdminStream adminStream(*storage, shop, clock, options.maxStreams, static_cast<int>(options.streamIntervalMillis));
    shop.onStockSwitches = [&adminStream](const std::vector<StockSwitch>& switches) { adminStream.publish(switches); };
    api.attach({&analyticsApi, &replayJobs, &adminStream});
    HttpServer server(io, workers, {boost::asio::ip::make_address(options.host), options.port}, api, metrics,
                      httpOptions);
    server.start();
    boost::asio::steady_timer sweeper(io);
    sweepLoop(sweeper, shop, options.sweepMillis);
    boost::asio::steady_timer configPoller(io);
    configLoop(configPoller, shop, options.configPollMillis);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
      server.stop();
      sweeper.cancel();
      configPoller.cancel();
      for (auto& context : contexts) context->stop();
    });

    // One JSON line on stdout, so scripts and tests can read the bound port.
    nlohmann::json ready = {{"event", "listening"},  {"host", options.host}, {"port", server.port()},
                            {"threads", threads},   {"testClock", options.testClock},
                            {"webhooks", options.webhooks.size()}, {"maxConnections", maxConnections}};
    if (postgres) {
      ready["backend"] = "postgresql";
      ready["database"] = redactedUrl(options.databaseUrl);
    } else {
      ready["backend"] = "sqlite";
      ready["db"] = options.db;
    }
    if (generatedToken) ready["generatedAdminToken"] = options.adminToken;
    std::cout << ready.dump() << std::endl;

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([context = contexts[i].get()] { context->run(); });
    io.run();
    for (auto& t : pool) t.join();
    if (wooWebhooks) wooWebhooks->stop();
    dispatcher.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cartcore-server: " << e.what() << "\n";
    return 1;
  }
}
