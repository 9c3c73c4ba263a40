// SPDX-License-Identifier: MIT
#include "sqlite_db.hpp"

#include <memory>

namespace cartcore::server {

namespace {
[[noreturn]] void fail(sqlite3* db, int code, std::string_view context) {
  throw DbError(code, std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}
}  // namespace

Statement& Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
      rc != SQLITE_OK)
    fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bindNull(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, sqlite3_sql(stmt_));
}

int Statement::execute() {
  while (step()) {
  }
  return sqlite3_changes(db_);
}

std::string Statement::text(int column) const {
  const unsigned char* data = sqlite3_column_text(stmt_, column);
  if (!data) return {};
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Database::Database(const std::string& path, bool synchronousFull) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(rc, "open " + path + ": " + message);
  }
  // WAL: readers never block the writer and a commit is one append to the log. A process crash (kill -9) never
  // loses a committed transaction in either synchronous mode; NORMAL may lose the last commits on power loss.
  exec("PRAGMA journal_mode=WAL");
  exec(synchronousFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA busy_timeout=5000");
}

Database::~Database() {
  statements_.clear();  // finalize before close, or sqlite3_close refuses
  sqlite3_close(db_);
}

void Database::resetAll() {
  for (auto& [sql, statement] : statements_) statement->reset();
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw DbError(rc, sql + ": " + message);
  }
}

Statement& Database::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "prepare " + sql);
    it = statements_.emplace(sql, std::make_unique<Statement>(db_, stmt)).first;
  }
  return it->second->reset();
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // The connection is unusable if even ROLLBACK fails; SQLite rolls back on the next open, so nothing half-commits.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace cartcore::server
