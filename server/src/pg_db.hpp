// SPDX-License-Identifier: MIT
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cartcore::server {

/** A failed PostgreSQL call: the SQLSTATE (e.g. "23505"), its DETAIL, and whether the connection itself broke. */
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& what, std::string sqlstate, std::string detail, bool connectionLost)
      : std::runtime_error(what),
        sqlstate_(std::move(sqlstate)),
        detail_(std::move(detail)),
        connectionLost_(connectionLost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  bool connectionLost() const { return connectionLost_; }

 private:
  std::string sqlstate_;
  std::string detail_;
  bool connectionLost_;
};

/** Bind parameters in text format; arrays are written as PostgreSQL array literals. */
class PgParams {
 public:
  PgParams& add(std::string_view value);
  PgParams& add(const std::string& value) { return add(std::string_view(value)); }
  PgParams& add(const char* value) { return add(std::string_view(value)); }
  PgParams& add(int64_t value);
  PgParams& add(int value) { return add(static_cast<int64_t>(value)); }
  PgParams& add(bool value);
  PgParams& add(const std::optional<int64_t>& value);
  PgParams& addNull();
  PgParams& addArray(const std::vector<std::string>& values);
  PgParams& addArray(const std::vector<int64_t>& values);

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

/** A query result (text format), freed on destruction. */
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool isNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string text(int row, int column) const;
  int64_t int64(int row, int column) const;
  std::optional<int64_t> optionalInt64(int row, int column) const;
  bool boolean(int row, int column) const;
  /** The number of rows an INSERT/UPDATE/DELETE changed. */
  int64_t changed() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

/** A statement prepared on one connection (PgConnection::prepare), to run many times without looking it up. */
struct PgPrepared {
  std::string name;
  std::string sql;  // for error messages
};

/**
 * One libpq connection. Statements are prepared once per connection (named by their text) and run with bound
 * text parameters: no SQL is ever built from values. Not thread-safe: one user at a time (see PgPool).
 */
class PgConnection {
 public:
  explicit PgConnection(const std::string& conninfo);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  /** Runs SQL text with no parameters (may hold several statements: schema, BEGIN, SET, LISTEN). */
  void exec(const std::string& sql);
  /** Runs one statement with parameters through a cached prepared statement. */
  PgResult query(const std::string& sql, const PgParams& params = {});
  /** The cached prepared statement for this SQL (prepared now if new): for a loop that runs it once per item.
   *  Valid until reset(). */
  PgPrepared prepare(const std::string& sql);
  PgResult query(const PgPrepared& statement, const PgParams& params);
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  /**
   * healthy(), after reading (without blocking) whatever reached the connection while it sat idle: a link reset or
   * a server that closed it then shows here, instead of failing the next query with "server closed the connection
   * unexpectedly".
   */
  bool usableAfterIdle();
  /** Reconnects after a broken connection; prepared statements are prepared again on next use. */
  void reset();
  PGconn* handle() { return conn_; }

 private:
  [[noreturn]] void fail(PGresult* result, const std::string& context);
  const std::string& preparedName(const std::string& sql);
  PgResult execPrepared(const std::string& name, const PgParams& params, std::string_view sql);
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

/** A BEGIN .. COMMIT block; ROLLBACK on destruction unless committed, so an early return or throw changes nothing. */
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection) : connection_(connection) { connection_.exec("BEGIN"); }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction();
  void commit();

 private:
  PgConnection& connection_;
  bool done_ = false;
};

/**
 * A fixed set of connections shared by the request threads. acquire() waits for a free one; a connection that
 * broke is reconnected before it is handed out again.
 */
class PgPool {
 public:
  PgPool(std::string conninfo, std::size_t size);

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& operator*() { return *connection_; }
    PgConnection* operator->() { return connection_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> connection_;
  };

  Lease acquire();
  const std::string& conninfo() const { return conninfo_; }

 private:
  void release(std::unique_ptr<PgConnection> connection);
  std::string conninfo_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
};

}  // namespace cartcore::server
