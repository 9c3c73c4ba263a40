// SPDX-License-Identifier: MIT
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cartcore::server {

/** Raised for SQLite failures the server cannot recover from at the call site (disk full, I/O error, bug). */
class DbError : public std::runtime_error {
 public:
  DbError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

/** A prepared statement, reset on every use; bind parameters are 1-based as in SQLite. */
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& reset();
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bindNull(int index);
  Statement& bind(int index, const std::optional<int64_t>& value) { return value ? bind(index, *value) : bindNull(index); }

  /** Advances one row; false when done. */
  bool step();
  /** Runs a statement that returns no rows and reports how many rows it changed. */
  int execute();

  int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::optional<int64_t> optionalInt64(int column) const {
    return isNull(column) ? std::nullopt : std::optional<int64_t>(int64(column));
  }
  std::string text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/**
 * One SQLite connection with a cache of prepared statements. Not thread-safe: the owner serializes access
 * (the server keeps a single writer connection behind one mutex, which SQLite would serialize anyway).
 */
class Database {
 public:
  /** Opens (creating if needed) a database file in WAL mode; `synchronousFull` trades throughput for power-loss safety. */
  Database(const std::string& path, bool synchronousFull);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  /** Runs SQL text with no parameters (schema, pragmas, BEGIN/COMMIT). */
  void exec(const std::string& sql);
  /** A cached prepared statement for this SQL text, already reset. */
  Statement& prepare(const std::string& sql);
  int64_t lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  /** Resets every cached statement, so no half-read SELECT keeps a read snapshot open and blocks checkpoints. */
  void resetAll();
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

/** BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() ran: an early return or throw changes nothing. */
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {
    // A SELECT left mid-step holds a read snapshot; upgrading it to a write after the checkpointer rewound the
    // WAL fails at once with SQLITE_BUSY_SNAPSHOT. Starting from no snapshot makes BEGIN wait in the busy handler.
    db_.resetAll();
    db_.exec("BEGIN IMMEDIATE");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace cartcore::server
