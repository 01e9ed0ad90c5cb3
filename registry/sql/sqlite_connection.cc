#include "registry/sql/sqlite_connection.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <unordered_map>

namespace modelwarden {
namespace {

Status MapSqliteError(sqlite3* db, int rc, const std::string& sql) {
  int primary = rc & 0xff;
  const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Status::AlreadyExists(detail);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable("The database is busy; retry the request.");
  }
  std::fprintf(stderr, "sqlite error %d (%s) in: %s\n", rc, detail, sql.c_str());
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    return Status::Unavailable("The database cannot write right now; retry the request.");
  }
  return Status::Internal("Internal database error.");
}

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, std::shared_ptr<std::mutex> writer_lock, int busy_timeout_ms)
      : db_(db), writer_lock_(std::move(writer_lock)), busy_timeout_ms_(busy_timeout_ms) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    if (sqlite3_get_autocommit(db_)) Optimize();
    sqlite3_close_v2(db_);
  }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Result<std::vector<SqlRow>> Query(const std::string& sql,
                                    const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    std::vector<SqlRow> rows;
    const int columns = sqlite3_column_count(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<SqlValue> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            cells.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            cells.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
          }
        }
      }
      rows.emplace_back(std::move(cells));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return MapSqliteError(db_, rc, sql);
    return rows;
  }

  Result<int64_t> Execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
    // sqlite3_reset repeats the step's extended error code; read it before resetting.
    Status status = rc == SQLITE_DONE ? Status::Ok() : MapSqliteError(db_, rc, sql);
    sqlite3_reset(stmt);
    if (!status.ok()) return status;
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Status Begin(bool write) override {
    if (write && writer_lock_) writing_ = std::unique_lock<std::mutex>(*writer_lock_);
    // IMMEDIATE takes the write lock now, so writers queue on busy_timeout instead of failing
    // with SQLITE_BUSY when a read transaction tries to upgrade.
    Status status = Execute(write ? "BEGIN IMMEDIATE" : "BEGIN", {}).status();
    if (!status.ok()) EndWrite();
    return status;
  }
  Status Commit() override {
    Status status = Execute("COMMIT", {}).status();
    if (status.ok()) {
      EndWrite();
      if (++transactions_ >= optimize_at_ && Optimize()) {
        optimize_at_ = transactions_ + kOptimizeEvery;
      }
    }
    return status;
  }
  Status Rollback() override {
    Status status = Status::Ok();
    // Nothing open when SQLite already rolled back by itself (e.g. after SQLITE_FULL).
    if (!sqlite3_get_autocommit(db_)) status = Execute("ROLLBACK", {}).status();
    EndWrite();
    return status;
  }
  bool IsHealthy() override { return true; }

  // Runs one statement without keeping it prepared: for the connection's own set-up.
  Status ExecuteOnce(const std::string& sql) {
    // MapSqliteError logs the detail of anything but busy/locked (which callers retry).
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : MapSqliteError(db_, rc, sql);
  }

 private:
  Result<sqlite3_stmt*> Prepare(const std::string& sql, const std::vector<SqlValue>& params) {
    sqlite3_stmt* stmt = nullptr;
    auto cached = statements_.find(sql);
    if (cached != statements_.end()) {
      stmt = cached->second;
    } else {
      int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
      if (rc != SQLITE_OK) return MapSqliteError(db_, rc, sql);
      // Statements built per search (variable IN lists, filters) are not worth keeping.
      if (statements_.size() < kMaxCachedStatements)
        statements_.emplace(sql, stmt);
      else
        owned_once_.reset(stmt);
    }
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, index, *v);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()),
                               SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) return MapSqliteError(db_, rc, sql);
    }
    return stmt;
  }

  void EndWrite() {
    if (writing_.owns_lock()) writing_.unlock();
  }

  // Keeps the planner's statistics current as the registry grows, as SQLite recommends for
  // long-lived connections: PRAGMA optimize analyzes the tables whose plans in this
  // connection wanted statistics and that have none, or have grown 25-fold since their last
  // analysis (at most analysis_limit rows per index, so milliseconds); otherwise it does
  // nothing. It writes sqlite_stat1, so it needs the writer lock. It runs on whatever thread
  // committed, a read's too: it never waits for that lock (a read that queued behind another
  // process's writes, e.g. `retention apply`, would wait up to the busy timeout). Returns
  // whether it ran; when not, the next commit tries again.
  bool Optimize() {
    std::unique_lock<std::mutex> writing;
    if (writer_lock_) {
      writing = std::unique_lock<std::mutex>(*writer_lock_, std::try_to_lock);
      if (!writing.owns_lock()) return false;
    }
    sqlite3_busy_timeout(db_, 0);
    const int rc = sqlite3_exec(db_, "PRAGMA optimize", nullptr, nullptr, nullptr);
    sqlite3_busy_timeout(db_, busy_timeout_ms_);
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return false;
    if (rc != SQLITE_OK) MapSqliteError(db_, rc, "PRAGMA optimize");  // Logs it; not retried.
    return true;
  }

  struct StatementDeleter {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  static constexpr size_t kMaxCachedStatements = 256;
  // Transactions between two PRAGMA optimize: often enough that a registry filled through
  // the API gets statistics within its first few thousand requests.
  static constexpr int64_t kOptimizeEvery = 1000;

  sqlite3* db_;
  std::shared_ptr<std::mutex> writer_lock_;
  const int busy_timeout_ms_;
  std::unique_lock<std::mutex> writing_;  // Held during a write transaction.
  int64_t transactions_ = 0;              // Committed on this connection.
  int64_t optimize_at_ = kOptimizeEvery;  // When PRAGMA optimize runs next.
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  // The last uncached statement; finalized when the next one replaces it.
  std::unique_ptr<sqlite3_stmt, StatementDeleter> owned_once_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const SqliteOptions& options) {
  // Before SQLite's first use in the process. A sort's in-memory buffer is sized from
  // cache_size (so up to the whole budget per connection) and, by default, grows without
  // looking at the heap limit; with SMALL_MALLOC it spills to its temporary file once the
  // process's SQLite heap nears the limit, as the page caches stop growing. Returns
  // SQLITE_MISUSE, harmlessly, if SQLite was already in use.
  static const int kSmallMalloc = sqlite3_config(SQLITE_CONFIG_SMALL_MALLOC, 1);
  (void)kSmallMalloc;
  sqlite3* db = nullptr;
  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::fprintf(stderr, "cannot open sqlite database %s: %s\n", options.path.c_str(),
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return Status::Unavailable("Cannot open the SQLite database.");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  auto connection =
      std::make_unique<SqliteConnection>(db, options.writer_lock, options.busy_timeout_ms);
  const bool in_memory = options.path == ":memory:";
  if (options.read_only) {
    RETURN_IF_ERROR(connection->ExecuteOnce("PRAGMA query_only = ON"));
    return std::unique_ptr<SqlConnection>(std::move(connection));
  }
  // analysis_limit: ANALYZE (after a migration, and from PRAGMA optimize) samples at most
  // this many rows per index, enough for the planner and quick on any size.
  for (const char* pragma : {"PRAGMA foreign_keys = OFF", "PRAGMA case_sensitive_like = ON",
                             "PRAGMA synchronous = FULL", "PRAGMA analysis_limit = 1000"}) {
    RETURN_IF_ERROR(connection->ExecuteOnce(pragma));
  }
  if (options.cache_budget_bytes > 0) {
    // Without a process-wide bound each of the pool's connections would cache a page on its
    // own, 32 x 2 MB by default: too little for one connection to hold a search's pages,
    // too much in total once every connection is warm.
    sqlite3_soft_heap_limit64(options.cache_budget_bytes);
    RETURN_IF_ERROR(connection->ExecuteOnce("PRAGMA cache_size = -" +
                                            std::to_string(options.cache_budget_bytes / 1024)));
  }
  if (!in_memory) {
    // Switching a new file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at
    // once, without its busy handler, while another process (a second server starting on the
    // same file) holds one: retry for up to the busy timeout.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
    Status wal;
    do {
      wal = connection->ExecuteOnce("PRAGMA journal_mode = WAL");
      if (wal.code() != ErrorCode::kTemporarilyUnavailable) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    RETURN_IF_ERROR(wal);
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

}  // namespace modelwarden
