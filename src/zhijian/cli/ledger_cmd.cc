// The ledger's commands (一码通查, issue 4):
//
//   zhijian keys init [--dir var/keys] [--name zhijian.example.cn/log] [--algorithm ed25519|sm2]
//                     [--if-missing]
//       creates the log's signing key: DIR/log.key (signer key, mode 0600) and DIR/log.pub
//       (verifier key, to publish). Refuses to overwrite (exit 1) unless --if-missing, which
//       leaves an existing pair alone (exit 0).
//   zhijian reports register FILE... [--institution USCC] [--batch N] [--log-key FILE] [--wal]
//                            [--threads 1|2]
//       registers reports from JSON Lines (.jsonl/.json, one object per line) or CSV (.csv,
//       a header row of the field names of ledger/registration.h; signatories ';'-separated,
//       test_lines as JSON text). One transaction per batch (default 100,000). Each refused line
//       is printed as "FILE:LINE:COLUMN: error: reason [code]"; a progress bar is drawn on a
//       terminal; with --log-key a checkpoint is published at the end. Exit 1 when any line
//       was refused. On SQLite it writes through a rollback journal rather than WAL while it
//       runs (store::OpenOptions::sqlite_bulk_journal: every commit durable, about half the
//       bytes written; readers wait while a commit writes); --wal keeps WAL. With --threads 2
//       (default) JSON Lines are read and parsed on a second thread while a batch is written,
//       and a batch's CPU-only work (canonical results, salts, entries) is shared by two.
//   zhijian log audit [--key VKEY|FILE] [--from-url URL] [--state FILE]
//       audits the log (ledger/auditor.h): of this database, or of the server at URL through
//       its tiles (--state keeps the last verified checkpoint for the next run's consistency
//       check). Prints every finding ("entry 17 (report …): log.report-differs: …"); exit 1
//       when there is one.
//   zhijian verify --offline QR-TEXT|IMAGE --key VKEY|FILE [--document FILE]
//       checks a report QR offline with only the published verifier key; an image (PNG/JPEG)
//       is decoded with the installed `zbarimg`. --document compares a PDF's SHA-256.
//   zhijian serve ... [--log-key FILE] [--public-url URL] [--checkpoint-every N]
//                     [--checkpoint-ms T]
//       the options the ledger adds to `serve` (see OpenServeLedger).
#include <fcntl.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/digest.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/progress.h"
#include "zhijian/ledger/auditor.h"
#include "zhijian/ledger/key_file.h"
#include "zhijian/ledger/qr.h"
#include "zhijian/ledger/service.h"
#include "zhijian/registry/import/reader.h"

namespace zhijian::cli {
namespace {

namespace json = boost::json;
constexpr size_t kMaxPrinted = 100;

// ---- keys init ------------------------------------------------------------------------------

struct KeysArgs {
  std::string dir = "var/keys";
  std::string name = "zhijian.example.cn/log";
  std::string algorithm = "ed25519";
  bool if_missing = false;
};

int KeysInit(const KeysArgs& a) {
  namespace fs = std::filesystem;
  const std::string key_path = (fs::path(a.dir) / "log.key").string();
  const std::string pub_path = (fs::path(a.dir) / "log.pub").string();
  if (fs::exists(key_path) || fs::exists(pub_path)) {
    if (a.if_missing && fs::exists(key_path) && fs::exists(pub_path)) {
      std::cout << "log key exists, kept: " << key_path << "\n";
      return 0;
    }
    return Fail(Error(Error::Kind::kConflict, "key-file.exists", "密钥文件已存在，不会覆盖",
                      "a key file exists already and is never overwritten",
                      fs::exists(key_path) ? key_path : pub_path),
                "keys init");
  }
  if (!ledger::IsValidKeyName(a.name)) {
    return Fail(Error::Invalid("note.bad-key", "密钥名称无效",
                               "invalid key name (no spaces, no '+')", a.name),
                "keys init");
  }
  std::error_code ec;
  fs::create_directories(a.dir, ec);
  Result<ledger::KeyPair> pair = Error::Invalid("note.unsupported-algorithm", "不支持的算法",
                                                "algorithm must be ed25519 or sm2", a.algorithm);
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string seed(32, '\0');
    randombytes_buf(seed.data(), seed.size());
    if (a.algorithm == "ed25519") {
      pair = ledger::GenerateEd25519Key(a.name, seed);
    } else if (a.algorithm == "sm2") {
      pair = ledger::GenerateSm2Key(a.name, seed);  // a seed outside [1, n-2]: draw again
    }
    sodium_memzero(seed.data(), seed.size());
    if (pair || a.algorithm != "sm2") break;
  }
  if (!pair) return Fail(pair.error(), "keys init");
  if (auto r = ledger::SaveKeyFile(key_path, pair->signer_key); !r) {
    return Fail(r.error(), "keys init");
  }
  if (auto r = ledger::SaveKeyFile(pub_path, pair->verifier_key); !r) {
    return Fail(r.error(), "keys init");
  }
  std::cout << "log signing key: " << key_path << " (secret, mode 0600)\n"
            << "verifier key:    " << pub_path << "\n"
            << pair->verifier_key << "\n"
            << "日志签名密钥已生成；请发布验证公钥，妥善保管私钥。\n";
  return 0;
}

// Reads a verifier key given as text ("name+id+base64") or as a file holding one.
Result<std::unique_ptr<ledger::NoteVerifier>> LoadVerifier(const std::string& key_or_file) {
  std::string text = key_or_file;
  if (std::filesystem::exists(key_or_file)) {
    ZJ_ASSIGN_OR_RETURN(text, ledger::LoadKeyFile(key_or_file, /*secret=*/false));
  }
  return ledger::NewNoteVerifier(text);
}

// ---- reports register ---------------------------------------------------------------------

struct RegisterArgs {
  std::vector<std::string> files;
  std::string institution;
  size_t batch = 100000;  // fewer rewrites of the randomly keyed index pages (performance.md)
  std::string log_key;
  bool wal = false;  // keep SQLite's WAL (no bulk journal)
  // 2: JSON Lines are parsed on a second thread while a batch is written, and a batch's
  // CPU-only work is shared by two threads (ledger::LedgerOptions::threads).
  int threads = 2;
};

// One input line and where it came from.
struct Pending {
  ledger::ReportInput input;
  int64_t line = 0;
  std::string raw;                         // JSON Lines: the line, for columns of field errors
  std::map<std::string, int32_t> columns;  // CSV: field -> column
  // JSON Lines: the line did not parse (printed in line order with the batch's refusals).
  std::optional<Error> malformed;
  int64_t malformed_column = 1;
};

// The field an error is about (for its column).
std::string FieldOf(const Error& e) {
  const std::string& c = e.code();
  if (c == "report.unknown-institution" || c == "report.other-institution" ||
      c == "report.bad-region") {
    return "institution";
  }
  if (c == "report.certificate-not-found" || c == "report.certificate-not-valid") {
    return "certificate";
  }
  if (c == "report.no-valid-certificate" || c == "report.future-issue-date") return "issue_date";
  if (c == "report.conflict") return "report_no";
  std::string d = e.detail();
  const size_t end = d.find_first_of(":[.");
  return d.substr(0, end);
}

class Registrar {
 public:
  Registrar(ledger::ReportLedger& ledger, std::string file, registry::import::Reader* csv)
      : ledger_(ledger), file_(std::move(file)), csv_(csv) {}

  void Refuse(int64_t line, int64_t column, const std::string& where, const Error& e) {
    ++refused_;
    if (printed_ >= kMaxPrinted) return;
    ++printed_;
    std::cerr << file_ << ":"
              << (where.empty() ? std::to_string(line) + ":" + std::to_string(column) : where)
              << ": error: " << e.message_en();
    if (!e.detail().empty()) std::cerr << " (" << e.detail() << ")";
    std::cerr << " [" << e.code() << "] / " << e.message_zh() << "\n";
  }

  // Where the error of `p` points.
  void RefusePending(const Pending& p, const Error& e) {
    const std::string field = FieldOf(e);
    if (csv_ != nullptr) {
      auto it = p.columns.find(field);
      Refuse(p.line, 1, csv_->Where(p.line, it == p.columns.end() ? 0 : it->second), e);
      return;
    }
    const size_t at = field.empty() ? std::string::npos : p.raw.find("\"" + field + "\"");
    Refuse(p.line, at == std::string::npos ? 1 : static_cast<int64_t>(at) + 1, "", e);
  }

  Result<void> Flush(std::vector<Pending>& pending) {
    if (pending.empty()) return Ok();
    std::vector<ledger::ReportInput> inputs;
    inputs.reserve(pending.size());
    for (auto& p : pending) {
      if (!p.malformed) inputs.push_back(std::move(p.input));
    }
    std::vector<Result<ledger::Registered>> results;
    if (!inputs.empty()) {
      ZJ_ASSIGN_OR_RETURN(results, ledger_.RegisterBatch(Principal::Cli(), inputs, "local"));
    }
    size_t next = 0;
    for (const Pending& p : pending) {
      if (p.malformed) {
        if (p.raw.empty()) {
          Refuse(p.line, p.malformed_column, "", *p.malformed);
        } else {
          RefusePending(p, *p.malformed);
        }
        continue;
      }
      const Result<ledger::Registered>& r = results[next++];
      if (!r) {
        RefusePending(p, r.error());
      } else if (r->created) {
        ++created_;
      } else {
        ++existing_;
      }
    }
    pending.clear();
    return Ok();
  }

  int64_t created_ = 0, existing_ = 0, refused_ = 0;
  size_t printed_ = 0;

 private:
  ledger::ReportLedger& ledger_;
  std::string file_;
  registry::import::Reader* csv_;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int RegisterFile(ledger::ReportLedger& ledger, const RegisterArgs& args, const std::string& file,
                 int64_t* total_refused) {
  const bool csv = EndsWith(file, ".csv") || EndsWith(file, ".CSV");
  ProgressBar::Options bar_options;
  bar_options.unit = "reports";
  ProgressBar bar("register " + std::filesystem::path(file).filename().string(), bar_options);
  std::vector<Pending> pending;
  pending.reserve(args.batch);
  auto fill_institution = [&](ledger::ReportInput& in) {
    if (in.institution.empty()) in.institution = args.institution;
  };
  int64_t count = 0;
  if (csv) {
    registry::import::ReaderOptions ro;
    ro.format = registry::import::Format::kCsv;
    auto reader = registry::import::OpenReader(file, ro);
    if (!reader) return Fail(reader.error(), file);
    Registrar reg(ledger, file, reader->get());
    const auto& names = ledger::ReportFieldNames();
    std::map<std::string, int32_t> columns;
    for (size_t c = 0; c < (*reader)->columns().size(); ++c) {
      const std::string& name = (*reader)->columns()[c];
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        return Fail(Error::Invalid("registration.unknown-field", "未知列", "unknown column",
                                   name + " (the header must use the field names)"),
                    file);
      }
      columns[name] = static_cast<int32_t>(c);
    }
    registry::import::Row row;
    for (;;) {
      auto more = (*reader)->Next(&row);
      if (!more) return Fail(more.error(), file);
      if (!*more) break;
      std::map<std::string, const std::string*> cells;
      for (const auto& cell : row.cells) cells[(*reader)->columns()[cell.column]] = &cell.text;
      auto in = ledger::ReportInputFromCells([&cells](std::string_view n) -> const std::string* {
        auto it = cells.find(std::string(n));
        return it == cells.end() ? nullptr : it->second;
      });
      Pending p;
      p.line = row.line;
      p.columns = columns;
      if (!in) {
        reg.RefusePending(p, in.error());
        continue;
      }
      p.input = std::move(*in);
      fill_institution(p.input);
      pending.push_back(std::move(p));
      if (pending.size() >= args.batch) {
        if (auto r = reg.Flush(pending); !r) return Fail(r.error(), file);
      }
      ++count;
      bar.Update((*reader)->progress_done(), (*reader)->progress_total(), count);
    }
    if (auto r = reg.Flush(pending); !r) return Fail(r.error(), file);
    bar.Finish();
    std::cout << file << ": " << reg.created_ << " registered, " << reg.existing_
              << " already registered, " << reg.refused_ << " refused\n";
    *total_refused += reg.refused_;
    return 0;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Fail(Error(Error::Kind::kUnavailable, "import.unreadable", "无法读取文件",
                      "cannot read the file", file),
                file);
  }
  const auto total = static_cast<uint64_t>(std::filesystem::file_size(file));
  Registrar reg(ledger, file, nullptr);
  // With threads > 1 this thread reads and parses the next batch while a second one registers
  // the last: the same batches in the same order, so the same codes and log order.
  std::future<Result<void>> registering;
  auto flush = [&](bool last) -> Result<void> {
    if (registering.valid()) ZJ_TRY(registering.get());
    if (args.threads <= 1 || last) return reg.Flush(pending);
    registering = std::async(std::launch::async, [&reg, batch = std::move(pending)]() mutable {
      return reg.Flush(batch);
    });
    pending = std::vector<Pending>();
    pending.reserve(args.batch);
    return Ok();
  };
  std::string line;
  int64_t line_no = 0;
  uint64_t done = 0;
  while (std::getline(in, line)) {
    ++line_no;
    done += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    json::parser parser;
    boost::system::error_code ec;
    const size_t used = parser.write(line.data(), line.size(), ec);
    Pending p;
    p.line = line_no;
    if (ec) {
      p.malformed =
          Error::Invalid("request.malformed-json", "JSON格式错误", "malformed JSON", ec.message());
      p.malformed_column = static_cast<int64_t>(used) + 1;
      pending.push_back(std::move(p));
      continue;
    }
    auto parsed = ledger::ReportInputFromJson(parser.release());
    if (!parsed) {
      p.raw = line;
      p.malformed = std::move(parsed).error();
      pending.push_back(std::move(p));
      continue;
    }
    p.input = std::move(*parsed);
    fill_institution(p.input);
    p.raw = std::move(line);
    pending.push_back(std::move(p));
    if (pending.size() >= args.batch) {
      if (auto r = flush(false); !r) return Fail(r.error(), file);
    }
    ++count;
    bar.Update(done, total, count);
  }
  if (auto r = flush(true); !r) return Fail(r.error(), file);
  bar.Finish();
  if (reg.printed_ < static_cast<size_t>(reg.refused_)) {
    std::cerr << "... and " << reg.refused_ - static_cast<int64_t>(reg.printed_) << " more / 另有 "
              << reg.refused_ - static_cast<int64_t>(reg.printed_) << " 条\n";
  }
  std::cout << file << ": " << reg.created_ << " registered, " << reg.existing_
            << " already registered, " << reg.refused_ << " refused\n"
            << file << "：新登记 " << reg.created_ << "，已登记 " << reg.existing_ << "，拒绝 "
            << reg.refused_ << "\n";
  *total_refused += reg.refused_;
  return 0;
}

int RunRegister(const RegisterArgs& args, const std::string& db_url) {
  auto db = OpenDatabase(db_url, /*bulk=*/true, /*bulk_journal=*/!args.wal);
  if (!db) return Fail(db.error(), "reports register");
  ledger::ServiceOptions options;
  options.log_key_file = args.log_key;
  options.ledger.threads = args.threads;
  auto service = ledger::LedgerService::Open(**db, SystemClock::Instance(), options);
  if (!service) return Fail(service.error(), "reports register");
  int64_t refused = 0;
  int rc = 0;
  for (const auto& file : args.files) {
    if (RegisterFile((*service)->reports(), args, file, &refused) != 0) rc = 1;
  }
  if ((*service)->signer()) {
    auto cp = (*service)->log().Publish(*(*service)->signer(), SystemClock::Instance().Now());
    if (!cp) return Fail(cp.error(), "reports register");
    auto conn = (*db)->Acquire();
    if (conn) {
      auto latest = (*service)->log().LatestCheckpoint(conn->get());
      if (latest && *latest) std::cout << "checkpoint: size " << (*latest)->size << "\n";
    }
  } else {
    std::cout << "no checkpoint published (no --log-key): the server publishes one\n";
  }
  if (refused > 0) {
    std::cerr << refused << " reports refused (exit code 1) / " << refused << " 份报告被拒绝\n";
    return 1;
  }
  return rc;
}

// ---- HTTP fetching for `log audit --from-url` ------------------------------------------------

class HttpFetcher {
 public:
  // `base`: "http://host[:port][/prefix]".
  static Result<std::unique_ptr<HttpFetcher>> Make(const std::string& base) {
    constexpr std::string_view kScheme = "http://";
    if (base.rfind(kScheme, 0) != 0) {
      return Error::Invalid("log.bad-url", "只支持 http:// 地址",
                            "only http:// URLs are supported (put a TLS proxy in front)", base);
    }
    std::string rest = base.substr(kScheme.size());
    const size_t slash = rest.find('/');
    std::string hostport = rest.substr(0, slash);
    std::string prefix = slash == std::string::npos ? "" : rest.substr(slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    std::unique_ptr<HttpFetcher> f(new HttpFetcher());
    const size_t colon = hostport.rfind(':');
    f->host_ = hostport.substr(0, colon);
    f->port_ = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
    f->prefix_ = prefix;
    return f;
  }

  // GET prefix + target, retrying 429 (Retry-After) and dropped connections a few times.
  Result<std::string> Get(const std::string& target) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    for (int attempt = 0; attempt < 12; ++attempt) {
      try {
        if (!stream_) {
          boost::asio::ip::tcp::resolver resolver(io_);
          stream_ = std::make_unique<beast::tcp_stream>(io_);
          stream_->connect(resolver.resolve(host_, port_));
        }
        http::request<http::empty_body> req{http::verb::get, prefix_ + target, 11};
        req.set(http::field::host, host_);
        req.keep_alive(true);
        stream_->expires_after(std::chrono::seconds(30));
        http::write(*stream_, req);
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        http::read(*stream_, buffer_, parser);
        auto res = parser.release();
        if (!res.keep_alive()) stream_.reset();
        if (res.result_int() == 429) {
          int wait = 1;
          if (auto it = res.find(http::field::retry_after); it != res.end()) {
            wait = std::max(1, std::atoi(std::string(it->value()).c_str()));
          }
          std::this_thread::sleep_for(std::chrono::seconds(std::min(wait, 10)));
          continue;
        }
        if (res.result_int() != 200) {
          return Error(Error::Kind::kUnavailable, "log.fetch-failed", "获取日志资源失败",
                       "fetching a log resource failed",
                       target + ": HTTP " + std::to_string(res.result_int()));
        }
        return std::move(res.body());
      } catch (const std::exception& e) {
        stream_.reset();
        if (attempt >= 3) {
          return Error(Error::Kind::kUnavailable, "log.fetch-failed", "获取日志资源失败",
                       "fetching a log resource failed", target + ": " + e.what());
        }
      }
    }
    return Error(Error::Kind::kUnavailable, "log.fetch-failed", "获取日志资源失败",
                 "fetching a log resource failed", target + ": rate-limited");
  }

 private:
  HttpFetcher() = default;
  boost::asio::io_context io_;
  std::unique_ptr<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::string host_, port_, prefix_;
};

// ---- log audit ------------------------------------------------------------------------------

struct AuditArgs {
  std::string key;
  std::string from_url;
  std::string state;
};

int PrintReport(const ledger::AuditReport& r, const std::string& what) {
  for (const auto& f : r.findings) std::cerr << f.ToString() << "\n";
  if (r.finding_count > r.findings.size()) {
    std::cerr << "... and " << r.finding_count - r.findings.size() << " more findings\n";
  }
  if (r.ok()) {
    std::cout << "log audit ok: " << what << ", " << r.entries << " entries, " << r.checkpoints
              << " checkpoints" << (r.signatures_checked ? " (signatures verified)" : "") << ", "
              << r.reports << " reports, " << r.tiles << " tiles; size " << r.size << ", root "
              << ledger::HashBase64(r.root) << "\n日志审计通过\n";
    return 0;
  }
  std::cerr << "log audit FAILED: " << r.finding_count << " findings\n日志审计未通过\n";
  return 1;
}

ProgressBar::Options EntriesBar() {
  ProgressBar::Options o;
  o.unit = "entries";
  return o;
}

int RunAudit(const AuditArgs& args, const std::string& db_url) {
  std::unique_ptr<ledger::NoteVerifier> key;
  if (!args.key.empty()) {
    auto v = LoadVerifier(args.key);
    if (!v) return Fail(v.error(), "log audit");
    key = std::move(*v);
  }
  auto progress = std::make_shared<ProgressBar>("log audit", EntriesBar());
  auto on_progress = [progress](uint64_t done, uint64_t total) {
    progress->Update(done, total, static_cast<int64_t>(done));
  };
  if (!args.from_url.empty()) {
    auto fetcher = HttpFetcher::Make(args.from_url);
    if (!fetcher) return Fail(fetcher.error(), "log audit");
    if (!key) {
      auto served = (*fetcher)->Get("/api/v1/public/log-key");
      if (!served) return Fail(served.error(), "log audit");
      boost::system::error_code ec;
      json::value v = json::parse(*served, ec);
      if (ec || !v.is_object() || !v.as_object().contains("verifier_key")) {
        return Fail(Error::Invalid("log.bad-key", "无法读取日志公钥", "no verifier key served"),
                    "log audit");
      }
      auto parsed = ledger::NewNoteVerifier(std::string(v.at("verifier_key").as_string()));
      if (!parsed) return Fail(parsed.error(), "log audit");
      key = std::move(*parsed);
      std::cerr << "warning: trusting the key the log serves itself (" << key->VerifierKey()
                << "); pass --key with the published key\n";
    }
    ledger::RemoteAuditOptions o;
    o.key = key.get();
    o.progress = on_progress;
    if (!args.state.empty() && std::filesystem::exists(args.state)) {
      std::ifstream in(args.state, std::ios::binary);
      o.previous_checkpoint.assign(std::istreambuf_iterator<char>(in), {});
    }
    if (key->Algorithm() == ledger::KeyAlgorithm::kSm2) {
      auto sm3 = ledger::Sm3TreeHasher();
      if (!sm3) return Fail(sm3.error(), "log audit");
      o.hasher = *sm3;
    }
    std::string note;
    auto report = ledger::AuditRemote(
        [&fetcher](const std::string& path) { return (*fetcher)->Get("/log/" + path); }, o, &note);
    progress->Finish();
    if (!report) return Fail(report.error(), "log audit");
    const int rc = PrintReport(*report, args.from_url);
    if (rc == 0 && !args.state.empty()) {
      std::ofstream(args.state, std::ios::binary | std::ios::trunc) << note;
    }
    return rc;
  }
  auto db = OpenDatabase(db_url);
  if (!db) return Fail(db.error(), "log audit");
  auto log = ledger::LogStore::Open(**db, "");
  if (!log) return Fail(log.error(), "log audit");
  if (!key && std::filesystem::exists("var/keys/log.pub")) {
    auto v = LoadVerifier("var/keys/log.pub");
    if (v) key = std::move(*v);
  }
  if (!key) {
    std::cerr << "warning: no verifier key (--key): checkpoint signatures are not checked\n";
  }
  ledger::AuditOptions o;
  o.key = key.get();
  o.progress = on_progress;
  auto report = ledger::AuditDatabase(**db, **log, o);
  progress->Finish();
  if (!report) return Fail(report.error(), "log audit");
  return PrintReport(*report, (*db)->redacted_url());
}

// ---- verify --offline -----------------------------------------------------------------------

// Runs `zbarimg --raw -q FILE` (no shell) and returns its first line.
Result<std::string> DecodeImage(const std::string& path) {
  int fds[2];
  if (pipe(fds) != 0) return Error::Internal("verify.pipe", "pipe failed");
  const pid_t pid = fork();
  if (pid < 0) return Error::Internal("verify.fork", "fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execlp("zbarimg", "zbarimg", "--raw", "-q", "--", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
    return Error(Error::Kind::kUnavailable, "verify.no-zbarimg", "无法运行 zbarimg",
                 "cannot run zbarimg (Debian package zbar-tools)");
  }
  if (WEXITSTATUS(status) != 0 || out.empty()) {
    return Error::Invalid("verify.no-qr", "图片中没有可识别的二维码",
                          "no QR code found in the image", path);
  }
  return out.substr(0, out.find('\n'));
}

struct VerifyArgs {
  std::string input;
  std::string key;
  std::string document;
  bool offline = false;
};

int RunVerify(const VerifyArgs& args) {
  if (!args.offline) {
    return Fail(Error::Invalid("verify.online", "目前只支持离线验证",
                               "only --offline verification is implemented here; online: the "
                               "verification page or GET /api/v1/public/verify/{code}"),
                "verify");
  }
  auto key = LoadVerifier(args.key);
  if (!key) return Fail(key.error(), "verify");
  std::string text = args.input;
  if (std::filesystem::is_regular_file(args.input)) {
    auto decoded = DecodeImage(args.input);
    if (!decoded) return Fail(decoded.error(), "verify");
    text = *decoded;
  }
  const ledger::NoteVerifier* keys[] = {key->get()};
  auto payload = ledger::VerifyQrText(text, keys);
  if (!payload) {
    (void)Fail(payload.error(), "verify");
    std::cerr << "NOT AUTHENTIC / 验证失败\n";
    return 1;
  }
  const auto& c = payload->claims;
  const std::string digest = HexEncode(std::string_view(
      reinterpret_cast<const char*>(c.document_sha256.data()), c.document_sha256.size()));
  std::cout << "signature ok / 签名有效: signed by " << (*key)->KeyName() << "\n"
            << "code / 报告编码:        " << c.code << "\n"
            << "issue date / 签发日期:  " << c.issue_date << "\n"
            << "document SHA-256:      " << digest << "\n"
            << "points to / 指向网址:   "
            << (payload->url_prefix.empty() ? "(none)" : payload->url_prefix) << "\n"
            << "verification secret:   " << (payload->secret.empty() ? "no" : "yes") << "\n"
            << "(offline: status changes after issue — correction, revocation — need the online "
               "check)\n";
  if (!args.document.empty()) {
    std::ifstream in(args.document, std::ios::binary);
    if (!in) {
      return Fail(Error(Error::Kind::kUnavailable, "verify.unreadable", "无法读取文件",
                        "cannot read the file", args.document),
                  "verify");
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (Sha256(bytes) != c.document_sha256) {
      std::cerr << "DOCUMENT MISMATCH / 文件与二维码不符: SHA-256 " << Sha256Hex(bytes) << "\n";
      return 1;
    }
    std::cout << "document matches / 文件一致\n";
  }
  return 0;
}

// ---- serve options --------------------------------------------------------------------------

struct ServeLedgerArgs {
  std::string log_key;
  std::string public_url;
  uint64_t every_entries = 1000;
  int64_t every_ms = 1000;
};
ServeLedgerArgs& ServeArgs() {
  static ServeLedgerArgs args;
  return args;
}

}  // namespace

Result<std::unique_ptr<ledger::LedgerService>> OpenServeLedger(
    store::Database& db, uint16_t port, std::function<void(uint64_t)> on_append) {
  const ServeLedgerArgs& a = ServeArgs();
  ledger::ServiceOptions o;
  o.ledger.on_append = std::move(on_append);
  o.log_key_file = a.log_key;
  o.qr_url_prefix =
      a.public_url.empty() ? "http://127.0.0.1:" + std::to_string(port) : a.public_url;
  o.start_publisher = true;
  o.publisher.every_entries = a.every_entries;
  o.publisher.every = std::chrono::milliseconds(a.every_ms);
  o.publisher.on_error = [](const Error& e) {
    std::cerr << "checkpoint publisher: " << e.ToString() << "\n";
  };
  return ledger::LedgerService::Open(db, SystemClock::Instance(), o);
}

void ServeLedgerStarted(ledger::LedgerService& ledger, uint16_t bound_port) {
  if (ServeArgs().public_url.empty()) {
    ledger.SetQrUrlPrefix("http://127.0.0.1:" + std::to_string(bound_port));
  }
}

void AddLedgerCommand(CLI::App& app, const std::string& db_url, int* exit_code) {
  // keys
  auto* keys = app.add_subcommand("keys", "signing keys of the transparency log");
  keys->require_subcommand(1);
  auto keys_args = std::make_shared<KeysArgs>();
  auto* init = keys->add_subcommand("init", "create the log's signing key (never overwrites)");
  init->add_option("--dir", keys_args->dir, "directory of log.key and log.pub")
      ->capture_default_str();
  init->add_option("--name", keys_args->name, "key name = log origin (host/path)")
      ->capture_default_str();
  init->add_option("--algorithm", keys_args->algorithm, "ed25519 or sm2")->capture_default_str();
  init->add_flag("--if-missing", keys_args->if_missing, "keep an existing key pair, exit 0");
  init->callback([keys_args, exit_code] { *exit_code = KeysInit(*keys_args); });

  // reports
  auto* reports = app.add_subcommand("reports", "registered reports (一码通查)");
  reports->require_subcommand(1);
  auto reg_args = std::make_shared<RegisterArgs>();
  auto* reg = reports->add_subcommand("register", "register reports from JSON Lines or CSV");
  reg->add_option("files", reg_args->files, "JSONL (.jsonl/.json) or CSV (.csv) files")->required();
  reg->add_option("--institution", reg_args->institution, "USCC for lines without one");
  reg->add_option("--batch", reg_args->batch, "reports per transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  reg->add_option("--log-key", reg_args->log_key, "sign a checkpoint at the end with this key");
  reg->add_option("--threads", reg_args->threads,
                  "2: parse the next batch while one is written, and share a batch's hashing")
      ->check(CLI::Range(1, 2))
      ->capture_default_str();
  reg->add_flag("--wal", reg_args->wal,
                "SQLite: keep WAL instead of the bulk rollback journal (readers never wait)");
  reg->callback([reg_args, &db_url, exit_code] { *exit_code = RunRegister(*reg_args, db_url); });

  // log
  auto* log = app.add_subcommand("log", "the transparency log");
  log->require_subcommand(1);
  auto audit_args = std::make_shared<AuditArgs>();
  auto* audit = log->add_subcommand("audit", "recompute and check the whole log");
  audit->add_option("--key", audit_args->key,
                    "the log's verifier key, or a file holding it (default var/keys/log.pub)");
  audit->add_option("--from-url", audit_args->from_url,
                    "audit the log served at this URL (http://host:port) instead");
  audit->add_option("--state", audit_args->state,
                    "with --from-url: the checkpoint verified last time (read, then updated)");
  audit->callback([audit_args, &db_url, exit_code] { *exit_code = RunAudit(*audit_args, db_url); });

  // verify
  auto verify_args = std::make_shared<VerifyArgs>();
  auto* verify = app.add_subcommand("verify", "verify a report QR code offline");
  verify->add_option("qr", verify_args->input, "the QR text, or an image file of the QR")
      ->required();
  verify->add_flag("--offline", verify_args->offline, "with the verifier key only, no network");
  verify->add_option("--key", verify_args->key, "the log's verifier key or a file holding it")
      ->required();
  verify->add_option("--document", verify_args->document, "the report PDF to compare");
  verify->callback([verify_args, exit_code] { *exit_code = RunVerify(*verify_args); });

  // serve options
  if (CLI::App* serve = app.get_subcommand("serve")) {
    ServeLedgerArgs& s = ServeArgs();
    serve->add_option("--log-key", s.log_key,
                      "the log's signing key file (zhijian keys init); without it no checkpoints "
                      "or QR codes (503)");
    serve->add_option("--public-url", s.public_url,
                      "URL prefix printed in QR codes (default http://127.0.0.1:PORT)");
    serve->add_option("--checkpoint-every", s.every_entries, "publish after N new entries")
        ->check(CLI::Range(uint64_t{1}, uint64_t{10'000'000}))
        ->capture_default_str();
    serve->add_option("--checkpoint-ms", s.every_ms, "or T milliseconds after the first")
        ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
        ->capture_default_str();
  }
}

}  // namespace zhijian::cli
