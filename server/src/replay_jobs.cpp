// SPDX-License-Identifier: MIT
// Replay jobs: a draft config against the committed orders of a period, priced off the request path.
#include "replay_jobs.hpp"

#include <iostream>
#include <map>

#include "analytics_query.hpp"
#include "request_reader.hpp"
#include "request_text.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {
constexpr std::size_t kKeptJobs = 8;
constexpr int kPageOrders = 1000;
constexpr int64_t kDayMillis = 24LL * 60 * 60 * 1000;
}  // namespace

struct ReplayJobs::Job {
  std::string id;
  int64_t createdAt = 0;
  AnalyticsQuery query;
  std::size_t top = 20;
  std::shared_ptr<const analytics::CompiledConfig> draft;
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> total{0};
  std::atomic<bool> cancel{false};
  // Guarded by ReplayJobs::mutex_:
  std::string status = "queued";
  std::string error;
  std::string reportJson;
};

ReplayJobs::ReplayJobs(Storage& storage, Shop& shop, ServerClock& clock, unsigned threads)
    : storage_(storage), shop_(shop), clock_(clock), threads_(std::max(1u, threads)) {}

ReplayJobs::~ReplayJobs() {
  {
    std::lock_guard lock(mutex_);
    for (auto& job : jobs_) job->cancel = true;
  }
  if (worker_.joinable()) worker_.join();
}

std::string ReplayJobs::jobJson(const Job& job) const {
  json out = {{"id", job.id},
              {"status", job.status},
              {"createdAt", isoTime(job.createdAt)},
              {"from", isoTime(job.query.from)},
              {"to", isoTime(job.query.to)},
              {"configVersion", job.query.configVersion ? json(*job.query.configVersion) : json()},
              {"progress", {{"done", job.done.load()}, {"total", job.total.load()}}}};
  if (!job.error.empty()) out["error"] = job.error;
  std::string text = out.dump();
  if (!job.reportJson.empty()) {
    text.pop_back();
    text += R"(,"report":)" + job.reportJson + "}";
  }
  return R"({"job":)" + text + R"(,"ok":true})";
}

ApiResponse ReplayJobs::start(std::string_view body, std::size_t maxBodyBytes) {
  json request = parseBody(body, maxBodyBytes);
  FieldReader fields(request, "");
  fields.required("config");
  const json& fromField = fields.required("from");
  const json& toField = fields.required("to");
  const json* versionField = fields.optional("configVersion");
  const json* topField = fields.optional("top");
  fields.finish();
  auto time = [](const json& value, const std::string& pointer) {
    int64_t millis = 0;
    std::string text = readString(value, pointer, 64);
    if (!parseIsoTime(text, millis) || millis < 0) refuse("invalid_value", pointer, "Expected an ISO 8601 UTC time.");
    return millis;
  };
  auto job = std::make_shared<Job>();
  job->query.from = time(fromField, "/from");
  job->query.to = time(toField, "/to");
  if (job->query.to <= job->query.from) refuse("invalid_value", "/to", "to must be after from.");
  if (job->query.to - job->query.from > kMaxAnalyticsDays * kDayMillis)
    refuse("range_too_large", "/from", "A replay may cover at most " + std::to_string(kMaxAnalyticsDays) + " days.");
  if (versionField) job->query.configVersion = readInteger(*versionField, "/configVersion", 1, INT64_MAX);
  if (topField) job->top = static_cast<std::size_t>(readInteger(*topField, "/top", 1, 100));
  if (job->query.configVersion && !storage_.configVersion(*job->query.configVersion))
    return errorResponse(404, "unknown_config_version",
                         "No config version " + std::to_string(*job->query.configVersion) + " exists.",
                         {{"pointer", "/configVersion"}});
  // The strict parse vouched for the body, so the draft's own text is compiled as sent (no re-serializing).
  auto members = topLevelMembers(body);
  if (!members) throw std::logic_error("a strictly parsed object has no top-level members");
  auto compiled = cartcore::Engine::compile(memberValue(body, *members, "config"));
  if (!compiled) {
    const cartcore::Error& e = compiled.error();
    return errorResponse(422, cartcore::errorCodeName(e.code), "The draft config is invalid: " + e.message,
                         {{"pointer", "/config" + e.pointer}});
  }
  job->draft = std::make_shared<const analytics::CompiledConfig>(std::move(compiled).value());
  job->id = randomId("rpl_");
  job->createdAt = clock_.nowMillis();

  std::lock_guard lock(mutex_);
  for (const auto& other : jobs_)
    if (other->status == "queued" || other->status == "running")
      return errorResponse(409, "replay_busy", "A replay is running; wait for it or cancel it.",
                           {{"jobId", other->id}});
  if (worker_.joinable()) worker_.join();  // the previous job has finished: its thread is only returning
  jobs_.push_back(job);
  while (jobs_.size() > kKeptJobs) jobs_.pop_front();
  job->status = "running";
  worker_ = std::thread([this, job] { run(job); });
  return {202, jobJson(*job)};
}

void ReplayJobs::run(const std::shared_ptr<Job>& job) {
  std::string status = "done", error, report;
  try {
    job->total = storage_.countOrders(job->query);
    analytics::Replay replay(job->draft, {job->top, threads_});
    auto active = shop_.currentCatalog();
    ExportCursor after{job->query.from - 1, ""};
    for (;;) {
      if (job->cancel) break;
      std::vector<ExportedOrder> page = storage_.exportOrders(job->query, after, kPageOrders);
      std::vector<analytics::ReplayOrder> batch;
      batch.reserve(page.size());
      for (auto& order : page) {
        // Each version is compiled once per job; the active one is already compiled.
        if (!replay.hasVersion(order.configVersion)) {
          if (order.configVersion == active->version) {
            replay.addVersion(order.configVersion, active->reporting);
          } else if (auto record = storage_.configVersion(order.configVersion)) {
            if (auto engine = cartcore::Engine::compile(record->configJson))
              replay.addVersion(order.configVersion,
                                std::make_shared<const analytics::CompiledConfig>(std::move(engine).value()));
          }
        }
        analytics::ReplayOrder replayOrder{order.id,
                                           order.createdAt,
                                           order.configVersion,
                                           order.currency,
                                           order.quoteDigest,
                                           std::move(order.cartJson),
                                           {},
                                           {}};
        json stock = json::parse(order.stockJson, nullptr, false);
        if (stock.is_object())
          for (const auto& [variant, units] : stock.items())
            if (units.is_number_integer()) replayOrder.stock[variant] = units.get<int64_t>();
        json segments = json::parse(order.segmentsJson, nullptr, false);
        if (segments.is_array()) {
          replayOrder.segments.emplace();
          for (const auto& segment : segments)
            if (segment.is_string()) replayOrder.segments->push_back(segment.get<std::string>());
        }
        batch.push_back(std::move(replayOrder));
      }
      replay.run(batch, job->cancel, job->done);
      if (page.size() < static_cast<std::size_t>(kPageOrders)) break;
      after = {page.back().createdAt, page.back().id};
    }
    if (job->cancel)
      status = "cancelled";
    else
      report = replay.reportJson();
  } catch (const std::exception& e) {
    status = "failed";
    error = e.what();
    std::cerr << "cartcore-server: replay " << job->id << " failed: " << e.what() << "\n";
  }
  std::lock_guard lock(mutex_);
  job->status = status;
  job->error = error;
  job->reportJson = std::move(report);
}

ApiResponse ReplayJobs::get(const std::string& id) {
  std::lock_guard lock(mutex_);
  for (const auto& job : jobs_)
    if (job->id == id) return {200, jobJson(*job)};
  return errorResponse(404, "replay_not_found", "No replay job has this id (the last 8 jobs are kept).");
}

ApiResponse ReplayJobs::cancel(const std::string& id) {
  std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) {
    if (job->id != id) continue;
    if (job->status == "queued" || job->status == "running") job->cancel = true;
    return {200, jobJson(*job)};
  }
  return errorResponse(404, "replay_not_found", "No replay job has this id (the last 8 jobs are kept).");
}

}  // namespace cartcore::server
