// SPDX-License-Identifier: MIT
#include "pg_db.hpp"

#include <charconv>

namespace cartcore::server {

namespace {

/** One element of an array literal, always quoted: {"a","b\"c"}. */
void appendQuoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

// ---- PgParams ----

PgParams& PgParams::add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

PgParams& PgParams::add(int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

PgParams& PgParams::add(bool value) {
  values_.emplace_back(value ? "t" : "f");
  return *this;
}

PgParams& PgParams::add(const std::optional<int64_t>& value) { return value ? add(*value) : addNull(); }

PgParams& PgParams::addNull() {
  values_.emplace_back(std::nullopt);
  return *this;
}

PgParams& PgParams::addArray(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) literal += ',';
    appendQuoted(literal, values[i]);
  }
  values_.emplace_back(literal + "}");
  return *this;
}

PgParams& PgParams::addArray(const std::vector<int64_t>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) literal += ',';
    literal += std::to_string(values[i]);
  }
  values_.emplace_back(literal + "}");
  return *this;
}

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& value : values_) out.push_back(value ? value->c_str() : nullptr);
  return out;
}

// ---- PgResult ----

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PgResult::int64(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  int64_t out = 0;
  std::from_chars(value, value + PQgetlength(result_.get(), row, column), out);
  return out;
}

std::optional<int64_t> PgResult::optionalInt64(int row, int column) const {
  return isNull(row, column) ? std::nullopt : std::optional<int64_t>(int64(row, column));
}

bool PgResult::boolean(int row, int column) const { return PQgetvalue(result_.get(), row, column)[0] == 't'; }

int64_t PgResult::changed() const {
  const char* tuples = PQcmdTuples(result_.get());
  int64_t out = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), out);
  return out;
}

// ---- PgConnection ----

PgConnection::PgConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("connect to PostgreSQL: " + message, "08001", "", true);
  }
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

void PgConnection::fail(PGresult* result, const std::string& context) {
  std::string sqlstate, detail;
  std::string message = PQerrorMessage(conn_);
  if (result) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = state;
    if (const char* text = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) detail = text;
    if (const char* text = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) message = text;
    PQclear(result);
  }
  bool lost = PQstatus(conn_) != CONNECTION_OK;
  throw PgError(context + ": " + message, sqlstate, detail, lost);
}

void PgConnection::exec(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, sql.substr(0, 120));
  PQclear(result);
}

const std::string& PgConnection::preparedName(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size());
    PGresult* prepared = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) fail(prepared, "prepare " + sql.substr(0, 120));
    PQclear(prepared);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  return it->second;
}

PgResult PgConnection::execPrepared(const std::string& name, const PgParams& params, std::string_view sql) {
  std::vector<const char*> values = params.pointers();
  PGresult* result = PQexecPrepared(conn_, name.c_str(), params.size(), values.data(), nullptr, nullptr, 0);
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, std::string(sql.substr(0, 120)));
  return PgResult(result);
}

PgResult PgConnection::query(const std::string& sql, const PgParams& params) {
  return execPrepared(preparedName(sql), params, sql);
}

PgPrepared PgConnection::prepare(const std::string& sql) { return {preparedName(sql), sql}; }

PgResult PgConnection::query(const PgPrepared& statement, const PgParams& params) {
  return execPrepared(statement.name, params, statement.sql);
}

bool PgConnection::usableAfterIdle() {
  // libpq keeps the socket non-blocking, so this reads only what is there: nothing, a notice, or the end of the link
  // (EOF or ECONNRESET), which turns the status to CONNECTION_BAD.
  return healthy() && PQconsumeInput(conn_) == 1 && healthy();
}

void PgConnection::reset() {
  PQreset(conn_);
  prepared_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) throw PgError("reconnect to PostgreSQL: " + std::string(PQerrorMessage(conn_)),
                                                      "08001", "", true);
}

// ---- PgTransaction ----

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (...) {
    // A broken connection rolls back on the server by itself; the pool reconnects it.
  }
}

void PgTransaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

// ---- PgPool ----

PgPool::PgPool(std::string conninfo, std::size_t size) : conninfo_(std::move(conninfo)) {
  for (std::size_t i = 0; i < size; ++i) idle_.push_back(std::make_unique<PgConnection>(conninfo_));
}

PgPool::Lease PgPool::acquire() {
  std::unique_ptr<PgConnection> connection;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  // A pooled connection may have been cut while it sat idle (a reset link, a restarted database): reconnect it now,
  // rather than fail the request that draws it with an internal error on its first query.
  if (!connection->usableAfterIdle()) {
    try {
      connection->reset();
    } catch (...) {
      release(std::move(connection));  // keep the slot; the next acquire tries again
      throw;
    }
  }
  return Lease(*this, std::move(connection));
}

void PgPool::release(std::unique_ptr<PgConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

PgPool::Lease::~Lease() {
  if (connection_) pool_->release(std::move(connection_));
}

}  // namespace cartcore::server
