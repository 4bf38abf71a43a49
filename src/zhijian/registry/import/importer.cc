// The registry import loader (importer.h).
#include "zhijian/registry/import/importer.h"

#include <openssl/evp.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <unordered_map>
#include <variant>
#include <vector>

#include "zhijian/audit/audit.h"
#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/registry/identity.h"

namespace zhijian::registry::import {

std::string LocatedIssue::ToString() const {
  std::string s = file;
  if (!where.empty()) s += ":" + where;
  s += issue.error ? ": error: " : ": warning: ";
  s += issue.message_en;
  if (!issue.detail.empty()) s += " (" + issue.detail + ")";
  s += " / " + issue.message_zh;
  if (!issue.detail.empty()) s += "（" + issue.detail + "）";
  return s;
}

Result<std::string> FileSha256(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    return Error(Error::Kind::kUnavailable, "import.unreadable", "无法读取文件",
                 "cannot read the file", path + ": " + std::strerror(errno));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Error::Internal("import.sha256", "EVP_DigestInit_ex failed");
  }
  std::string buf(1 << 20, '\0');
  while (true) {
    size_t got = std::fread(buf.data(), 1, buf.size(), f);
    if (got > 0) EVP_DigestUpdate(ctx.get(), buf.data(), got);
    if (got < buf.size()) {
      if (std::ferror(f)) {
        return Error(Error::Kind::kUnavailable, "import.unreadable", "无法读取文件",
                     "cannot read the file", path + ": read error");
      }
      break;
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

namespace {

// SQLite page cache during an import, as PRAGMA cache_size takes it (negative: KiB): 256 MB.
constexpr int64_t kImportCacheKib = -262144;

// A bulk load of capability rows drops the table's query indexes and builds them again at the
// end of the same transaction: SQLite sorts each index once (about 1.3 s per index per million
// rows) instead of inserting every row into each of them at a random place. Only when the file
// is large against the rows already stored (a first province load, not a re-import), and only
// on SQLite. Being inside the import's one transaction, a crash or error rolls the drop back
// with the rows: the indexes are never missing. The UNIQUE business key (an automatic index
// without SQL text) stays: the upserts look rows up by it.
constexpr int64_t kCsvBytesPerRow = 100;  // a low estimate (province CSV: 146), so rows are high

class DeferredIndexes {
 public:
  // Whether a load is bulk: SQLite, `estimated_rows` at least `min_rows` and twice the rows
  // stored.
  static bool IsBulk(store::Backend b, int64_t min_rows, int64_t estimated_rows,
                     int64_t stored_rows) {
    return b == store::Backend::kSqlite && estimated_rows >= min_rows &&
           estimated_rows >= 2 * stored_rows;
  }
  // Drops the secondary indexes of `table` (SQLite), remembering their SQL.
  Result<void> Drop(store::Connection& tx, const std::string& table) {
    ZJ_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT name, sql FROM sqlite_master WHERE type = "
                                            "'index' AND tbl_name = ? AND sql IS NOT NULL "
                                            "ORDER BY name",
                                            std::vector<store::Value>{table}));
    for (const auto& r : rows) {
      ZJ_TRY(tx.Exec("DROP INDEX \"" + r.Text(0) + "\""));
      sql_.push_back(r.Text(1));
    }
    return Ok();
  }
  // Builds the dropped indexes again (same transaction). SQLite's sorter is fastest here with a
  // small page cache and its spills in temporary files (measured on 1 M rows, per index: 0.8 s
  // CPU, against 1.45 s with the import's 256 MB cache and 1.9 s with temp_store=MEMORY, where
  // it keeps every record in its own allocation); the import's settings return after.
  Result<void> Restore(store::Connection& tx) {
    if (sql_.empty()) return Ok();
    ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> cache, tx.QueryOne("PRAGMA cache_size"));
    ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> temp, tx.QueryOne("PRAGMA temp_store"));
    ZJ_TRY(tx.Exec("PRAGMA cache_size = -2000"));
    ZJ_TRY(tx.Exec("PRAGMA temp_store = FILE"));
    Result<void> built = Ok();
    for (const std::string& sql : sql_) {
      Result<int64_t> r = tx.Exec(sql);
      if (!r) {
        built = r.error();
        break;
      }
    }
    if (cache) ZJ_TRY(tx.Exec("PRAGMA cache_size = " + std::to_string(cache->Int(0))));
    if (temp) ZJ_TRY(tx.Exec("PRAGMA temp_store = " + std::to_string(temp->Int(0))));
    ZJ_TRY(built);
    sql_.clear();
    return Ok();
  }
  size_t dropped() const { return sql_.size(); }

 private:
  std::vector<std::string> sql_;  // CREATE INDEX statements as stored
};

std::string BaseName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// Loads rows into the registry inside one open transaction.
class Loader {
 public:
  Loader(Registry& registry, store::Connection& tx, const Reader& reader, ImportReport* report,
         const ImportOptions& options)
      : registry_(registry), tx_(tx), reader_(reader), report_(report), options_(options) {}

  // Emits `issue`, or queues it behind the capability rows still pending, so that issues
  // keep the order of the rows.
  void Emit(const Issue& issue) {
    if (!queue_.empty() || row_pending_) {
      queue_.emplace_back(issue);
      return;
    }
    EmitNow(issue);
  }

  void EmitNow(const Issue& issue) {
    LocatedIssue li;
    li.file = report_->file;
    li.where =
        issue.column >= 0 ? reader_.Where(issue.line, issue.column) : std::to_string(issue.line);
    li.issue = issue;
    if (issue.error) {
      ++report_->errors;
    } else {
      ++report_->warnings;
    }
    if (options_.on_issue) options_.on_issue(li);
    if (report_->issues.size() < options_.keep_issues) report_->issues.push_back(std::move(li));
  }

  void UnknownColumn(int64_t line, int32_t column) {
    Issue is;
    is.error = false;
    is.code = "import.unknown-column";
    is.message_zh = "无法识别的列，已忽略";
    is.message_en = "unknown column, ignored";
    is.detail = reader_.columns()[column];
    is.line = line;
    is.column = column;
    Emit(is);
  }

  // Resolves references and upserts; false (with an issue added) when the row is refused.
  Result<bool> Store(MappedRow& m, std::vector<Issue>* issues) {
    int64_t institution_id = 0;
    std::pair<int64_t, int64_t> cert{0, 0};
    if (m.kind == Kind::kCapabilities) {
      ZJ_ASSIGN_OR_RETURN(auto ids, CertificateIds(m.ref_certificate_no));
      if (!ids) {
        issues->push_back(RefIssue(m, "import.unknown-certificate", "证书编号在登记库中不存在",
                                   "no certificate with this number in the registry",
                                   m.ref_certificate_no));
        return false;
      }
      cert = *ids;
    } else if (m.kind != Kind::kInstitutions && m.kind != Kind::kStandards) {
      ZJ_ASSIGN_OR_RETURN(auto id, InstitutionId(m.ref_uscc));
      if (!id) {
        issues->push_back(RefIssue(m, "import.unknown-institution",
                                   "统一社会信用代码对应的机构在登记库中不存在",
                                   "no institution with this USCC in the registry", m.ref_uscc));
        return false;
      }
      institution_id = *id;
    }
    Result<Upserted> r = Error::Internal("import.kind", "unreachable");
    switch (m.kind) {
      case Kind::kInstitutions:
        r = registry_.UpsertInstitution(tx_, m.institution);
        if (r) usccs_[m.institution.uscc] = r->id;
        break;
      case Kind::kCertificates: {
        Certificate& v = m.certificate;
        v.institution_id = institution_id;
        r = registry_.UpsertCertificate(tx_, v);
        if (r) certs_[v.number] = std::make_pair(r->id, institution_id);
        break;
      }
      case Kind::kCapabilities: {
        // Batched: the outcome is counted (or the row rejected) by Flush.
        Capability& v = m.capability;
        v.certificate_id = cert.first;
        v.institution_id = cert.second;
        row_pending_ = Pending{caps_.size(), m.line};
        caps_.push_back(std::move(v));
        return true;
      }
      case Kind::kPeople: {
        Person& v = m.person;
        v.institution_id = institution_id;
        r = registry_.UpsertPerson(tx_, v);
        break;
      }
      case Kind::kEquipment: {
        Equipment& v = m.equipment;
        v.institution_id = institution_id;
        r = registry_.UpsertEquipment(tx_, v);
        break;
      }
      case Kind::kStandards:
        r = registry_.UpsertStandard(tx_, m.standard);
        break;
      case Kind::kCredit: {
        CreditFlag& v = m.credit;
        v.institution_id = institution_id;
        r = registry_.UpsertCreditFlag(tx_, v);
        break;
      }
      case Kind::kPenalties: {
        Penalty& v = m.penalty;
        v.institution_id = institution_id;
        r = registry_.UpsertPenalty(tx_, v);
        break;
      }
    }
    if (!r) {
      const Error& e = r.error();
      // Validation by the registry happens before any SQL, so the transaction is intact.
      if (e.kind() == Error::Kind::kInvalidArgument || e.kind() == Error::Kind::kUnprocessable) {
        Issue is;
        is.code = e.code();
        is.message_zh = e.message_zh();
        is.message_en = e.message_en();
        is.detail = e.detail();
        is.line = m.line;
        issues->push_back(std::move(is));
        return false;
      }
      return e.WithDetail("line " + std::to_string(m.line));
    }
    Count(r->outcome);
    return true;
  }

  // Ends a row (after its issues were emitted): a capability row joins the queue behind them;
  // a full batch is flushed.
  Result<void> EndRow() {
    if (!row_pending_) return Ok();
    queue_.emplace_back(*row_pending_);
    row_pending_.reset();
    if (caps_.size() >= kBatchRows) ZJ_TRY(Flush());
    return Ok();
  }

  // A bulk load recounts institution_standards once at the end (ImportFile).
  void RecountCitedLater() { cited_ = Registry::Cited::kRecountLater; }

  // Upserts the pending capability rows as one batch; counts their outcomes, reports the rows
  // the registry refused, and emits the issues queued behind them, in row order.
  Result<void> Flush() {
    if (queue_.empty()) return Ok();
    ZJ_ASSIGN_OR_RETURN(auto results, registry_.UpsertCapabilities(tx_, caps_, cited_));
    std::vector<std::variant<Issue, Pending>> queue;
    queue.swap(queue_);
    caps_.clear();
    for (auto& entry : queue) {
      if (Issue* issue = std::get_if<Issue>(&entry)) {
        EmitNow(*issue);
        continue;
      }
      const Pending& p = std::get<Pending>(entry);
      const Result<Upserted>& r = results[p.index];
      if (r) {
        Count(r->outcome);
        continue;
      }
      const Error& e = r.error();
      if (e.kind() != Error::Kind::kInvalidArgument && e.kind() != Error::Kind::kUnprocessable) {
        return e.WithDetail("line " + std::to_string(p.line));
      }
      Issue is;
      is.code = e.code();
      is.message_zh = e.message_zh();
      is.message_en = e.message_en();
      is.detail = e.detail();
      is.line = p.line;
      EmitNow(is);
      ++report_->rejected;
    }
    return Ok();
  }

 private:
  Registry::Cited cited_ = Registry::Cited::kKeep;  // kRecountLater: a bulk load (ImportFile)
  // Capability rows per UpsertCapabilities call.
  static constexpr size_t kBatchRows = 1000;

  // A capability row waiting in caps_[index].
  struct Pending {
    size_t index = 0;
    int64_t line = 0;
  };

  void Count(Outcome outcome) {
    switch (outcome) {
      case Outcome::kInserted:
        ++report_->inserted;
        break;
      case Outcome::kUpdated:
        ++report_->updated;
        break;
      case Outcome::kUnchanged:
        ++report_->unchanged;
        break;
    }
  }

  Issue RefIssue(const MappedRow& m, std::string code, std::string zh, std::string en,
                 std::string detail) {
    Issue is;
    is.code = std::move(code);
    is.message_zh = std::move(zh);
    is.message_en = std::move(en);
    is.detail = std::move(detail);
    is.line = m.ref_line;
    is.column = m.ref_column;
    return is;
  }

  Result<std::optional<int64_t>> InstitutionId(const std::string& uscc) {
    auto it = usccs_.find(uscc);
    if (it != usccs_.end()) return it->second;
    ZJ_ASSIGN_OR_RETURN(auto id, registry_.InstitutionIdByUscc(tx_, uscc));
    usccs_.emplace(uscc, id);
    return id;
  }

  Result<std::optional<std::pair<int64_t, int64_t>>> CertificateIds(const std::string& number) {
    auto it = certs_.find(number);
    if (it != certs_.end()) return it->second;
    ZJ_ASSIGN_OR_RETURN(auto ids, registry_.CertificateIdsByNumber(tx_, number));
    certs_.emplace(number, ids);
    return ids;
  }

  Registry& registry_;
  store::Connection& tx_;
  const Reader& reader_;
  ImportReport* report_;
  const ImportOptions& options_;
  std::unordered_map<std::string, std::optional<int64_t>> usccs_;
  std::unordered_map<std::string, std::optional<std::pair<int64_t, int64_t>>> certs_;
  std::optional<Pending> row_pending_;               // the current row, until EndRow
  std::vector<Capability> caps_;                     // pending capability rows
  std::vector<std::variant<Issue, Pending>> queue_;  // pending rows and the issues behind them
};

Result<IdHasher> LoadHasher(const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto h = IdHasher::LoadOrCreate(path);
  if (!h) {
    return Error(h.error().kind(), "import.id-key", "无法加载身份证号哈希密钥（--id-key-file）",
                 "cannot load the ID number hash key (--id-key-file)",
                 h.error().code() + ": " + h.error().detail());
  }
  return h;
}

}  // namespace

Result<ImportReport> ImportFile(store::Database& db, Registry& registry, const Clock& clock,
                                Kind kind, const std::string& path, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ImportReport report;
  report.file = path;
  report.kind = kind;
  report.dry_run = options.dry_run;
  if (options.format) {
    report.format = *options.format;
  } else {
    ZJ_ASSIGN_OR_RETURN(report.format, FormatFromPath(path));
  }
  ZJ_ASSIGN_OR_RETURN(report.sha256, FileSha256(path));
  ZJ_ASSIGN_OR_RETURN(auto reader, OpenReader(path, {report.format, options.encoding}));
  report.encoding = reader->encoding();
  ZJ_ASSIGN_OR_RETURN(ColumnMap columns, ColumnMap::Make(kind, reader->columns()));
  std::optional<IdHasher> hasher;
  if (kind == Kind::kPeople) {
    ZJ_ASSIGN_OR_RETURN(IdHasher h, LoadHasher(options.id_key_file));
    hasher.emplace(std::move(h));
  }
  MapperOptions mopts;
  mopts.hasher = hasher ? &*hasher : nullptr;
  mopts.today = ChinaDate(clock.Now());  // registry dates are dates in China
  RowMapper mapper(columns, mopts);

  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  // SQLite: a page cache large enough for a bulk load's dirty index pages (the default 2 MB
  // spills them to the WAL and reads them back, about half the time of a large import), for
  // the duration of the import; the connection goes back to the pool with its own setting.
  std::optional<int64_t> cache_size;
  if (conn->backend() == store::Backend::kSqlite) {
    ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> current, conn->QueryOne("PRAGMA cache_size"));
    if (current) {
      cache_size = current->Int(0);
      ZJ_TRY(conn->Exec("PRAGMA cache_size = " + std::to_string(kImportCacheKib)));
    }
  }
  struct RestoreCache {
    store::Connection& conn;
    const std::optional<int64_t>& size;
    ~RestoreCache() {
      if (size) (void)conn.Exec("PRAGMA cache_size = " + std::to_string(*size));
    }
  } restore_cache{conn.get(), cache_size};
  ZJ_TRY(conn->Begin(true));
  Loader loader(registry, conn.get(), *reader, &report, options);
  DeferredIndexes deferred;
  if (kind == Kind::kCapabilities && !options.dry_run) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    ZJ_ASSIGN_OR_RETURN(
        std::optional<store::Row> stored,
        conn->QueryOne("SELECT COALESCE(SUM(capability_count), 0) FROM institutions"));
    if (DeferredIndexes::IsBulk(conn->backend(), options.bulk_min_rows,
                                ec ? 0 : static_cast<int64_t>(bytes) / kCsvBytesPerRow,
                                stored ? stored->Int(0) : 0)) {
      // The rows' query indexes and those of institution_standards, which is recounted once at
      // the end instead of kept per batch.
      Result<void> dropped = deferred.Drop(conn.get(), "capabilities");
      if (dropped) dropped = deferred.Drop(conn.get(), "institution_standards");
      if (!dropped) {
        (void)conn->Rollback();
        return std::move(dropped).error();
      }
      loader.RecountCitedLater();
    }
  }

  auto body = [&]() -> Result<void> {
    // Unknown columns of a CSV / XLSX header are reported at the header; unknown JSON keys at
    // the first record that has them.
    const bool json = report.format == Format::kJson;
    std::vector<bool> reported(columns.size(), !json);
    if (!json) {
      for (int32_t c : columns.unknown_columns()) loader.UnknownColumn(1, c);
    }
    Row row;
    MappedRow mapped;
    std::vector<Issue> issues;
    while (true) {
      ZJ_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
      if (!more) break;
      ++report.rows_read;
      if (reader->columns().size() > columns.size()) {
        columns.Extend(reader->columns());
        reported.resize(columns.size(), false);
      }
      for (const Cell& c : row.cells) {
        const auto col = static_cast<size_t>(c.column);
        if (col < reported.size() && !reported[col]) {
          reported[col] = true;
          if (columns.FieldOf(c.column) < 0) loader.UnknownColumn(c.line, c.column);
        }
      }
      issues.clear();
      bool ok = mapper.Map(row, &mapped, &issues);
      if (ok) {
        ZJ_ASSIGN_OR_RETURN(ok, loader.Store(mapped, &issues));
      }
      for (const auto& is : issues) loader.Emit(is);
      ZJ_TRY(loader.EndRow());
      if (!ok) ++report.rejected;
      if (options.on_progress && report.rows_read % 1024 == 0) {
        options.on_progress(reader->progress_done(), reader->progress_total(), report.rows_read);
      }
    }
    ZJ_TRY(loader.Flush());
    report.indexes_rebuilt = static_cast<int64_t>(deferred.dropped());
    const auto index_start = std::chrono::steady_clock::now();
    if (report.indexes_rebuilt > 0) ZJ_TRY(registry.RecountCitedStandards(conn.get()));
    ZJ_TRY(deferred.Restore(conn.get()));
    report.index_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - index_start).count();
    if (options.on_progress) {
      options.on_progress(reader->progress_done(), reader->progress_total(), report.rows_read);
    }
    audit::AuditEvent e;
    e.action = "registry.import";
    e.target_type = "file";
    e.target_id = BaseName(path);
    e.detail = {{"kind", KindName(kind)},
                {"file", BaseName(path)},
                {"format", FormatName(report.format)},
                {"encoding", EncodingName(report.encoding)},
                {"sha256", report.sha256},
                {"dry_run", options.dry_run},
                {"rows_read", report.rows_read},
                {"inserted", report.inserted},
                {"updated", report.updated},
                {"unchanged", report.unchanged},
                {"rejected", report.rejected},
                {"warnings", report.warnings}};
    ZJ_ASSIGN_OR_RETURN(int64_t seq,
                        audit::Append(conn.get(), options.actor, options.ip, e, clock.Now()));
    if (!options.dry_run) report.audit_seq = seq;
    return Ok();
  };
  Result<void> done = body();
  if (!done) {
    (void)conn->Rollback();
    return std::move(done).error();
  }
  if (options.dry_run) {
    ZJ_TRY(conn->Rollback());
  } else {
    Result<void> committed = conn->Commit();
    if (!committed) {
      (void)conn->Rollback();
      return std::move(committed).error();
    }
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace zhijian::registry::import
