// `zhijian import <kind> FILE... [--dry-run] [--encoding E] [--format F] [--id-key K]
//  [--errors-csv OUT]`: loads registry files (registry/import/importer.h).
//
// Each file is imported in its own transaction, in the order given (load order: standards,
// institutions, certificates, capabilities, people, equipment, credit, penalties). A progress
// bar (by bytes read) is drawn on stderr when it is a terminal. Issues are printed on stderr
// as "FILE:WHERE: error|warning: English (detail) / 中文", at most 100, then "... and N more";
// --errors-csv writes all of them. A summary per file goes to stdout. Exit code 1 when a file
// could not be imported or any row was rejected.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/progress.h"
#include "zhijian/registry/import/importer.h"
#include "zhijian/registry/registry.h"
#include "zhijian/store/db.h"

namespace zhijian::cli {
namespace {

constexpr size_t kMaxPrinted = 100;

struct ImportArgs {
  std::string kind;
  std::vector<std::string> files;
  bool dry_run = false;
  std::string encoding = "auto";
  std::string format;
  std::string id_key_file = "var/keys/id-hash.key";
  std::string errors_csv;
};

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

int Run(const ImportArgs& args, const std::string& db_url) {
  auto kind = registry::import::ParseKind(args.kind);
  if (!kind) {
    (void)Fail(kind.error(), "import");
    return 1;
  }
  registry::import::ImportOptions options;
  auto encoding = registry::import::ParseEncoding(args.encoding);
  if (!encoding) {
    (void)Fail(encoding.error(), "import");
    return 1;
  }
  options.encoding = *encoding;
  if (!args.format.empty()) {
    auto format = registry::import::ParseFormat(args.format);
    if (!format) {
      (void)Fail(format.error(), "import");
      return 1;
    }
    options.format = *format;
  }
  options.dry_run = args.dry_run;
  options.id_key_file = args.id_key_file;
  options.keep_issues = kMaxPrinted;

  auto db = OpenDatabase(db_url, /*bulk=*/true);
  if (!db) {
    (void)Fail(db.error(), "import");
    return 1;
  }
  registry::Registry registry(**db, SystemClock::Instance());

  std::unique_ptr<std::ofstream> errors_csv;
  if (!args.errors_csv.empty()) {
    errors_csv = std::make_unique<std::ofstream>(args.errors_csv, std::ios::binary);
    if (!*errors_csv) {
      (void)Fail(Error(Error::Kind::kUnavailable, "import.errors-csv", "无法写入错误清单文件",
                       "cannot write the errors CSV", args.errors_csv),
                 args.errors_csv);
      return 1;
    }
    // A BOM, so that spreadsheet programs read the Chinese text as UTF-8.
    *errors_csv << "\xEF\xBB\xBF"
                << "file,location,severity,code,message_en,message_zh,detail\r\n";
  }

  int exit_code = 0;
  for (const std::string& file : args.files) {
    ProgressBar bar("import " + std::filesystem::path(file).filename().string());
    options.on_progress = [&bar](uint64_t done, uint64_t total, int64_t rows) {
      bar.Update(done, total, rows);
    };
    options.on_issue = [&errors_csv](const registry::import::LocatedIssue& li) {
      if (!errors_csv) return;
      *errors_csv << CsvField(li.file) << ',' << CsvField(li.where) << ','
                  << (li.issue.error ? "error" : "warning") << ',' << CsvField(li.issue.code) << ','
                  << CsvField(li.issue.message_en) << ',' << CsvField(li.issue.message_zh) << ','
                  << CsvField(li.issue.detail) << "\r\n";
    };
    auto report =
        registry::import::ImportFile(**db, registry, SystemClock::Instance(), *kind, file, options);
    if (!report) {
      bar.Finish("failed, nothing written / 导入失败，未写入任何数据");
      (void)Fail(report.error(), file);
      exit_code = 1;
      continue;
    }
    bar.Finish();
    const auto& r = *report;
    for (const auto& li : r.issues) std::cerr << li.ToString() << "\n";
    const int64_t total_issues = r.errors + r.warnings;
    if (total_issues > static_cast<int64_t>(r.issues.size())) {
      std::cerr << "... and " << total_issues - static_cast<int64_t>(r.issues.size())
                << " more / 另有 " << total_issues - static_cast<int64_t>(r.issues.size()) << " 条"
                << (args.errors_csv.empty() ? " (--errors-csv FILE lists all)" : "") << "\n";
    }
    const double rate = r.seconds > 0 ? r.rows_read / r.seconds : 0;
    std::cout << file << ": " << KindName(r.kind) << ", " << r.rows_read << " rows read, "
              << r.inserted << " inserted, " << r.updated << " updated, " << r.unchanged
              << " unchanged, " << r.rejected << " rejected, " << r.warnings << " warnings ("
              << ProgressBar::Grouped(static_cast<int64_t>(rate)) << " rows/s)"
              << (r.dry_run ? " [dry run: nothing written]" : "") << "\n"
              << file << "：读取 " << r.rows_read << " 行，新增 " << r.inserted << "，更新 "
              << r.updated << "，未变 " << r.unchanged << "，拒绝 " << r.rejected << "，警告 "
              << r.warnings << (r.dry_run ? "（试运行，未写入）" : "") << "\n";
    if (r.indexes_rebuilt > 0) {
      std::cout << file << ": bulk load, " << r.indexes_rebuilt << " indexes built again in "
                << r.index_seconds << " s / 批量导入，重建 " << r.indexes_rebuilt << " 个索引\n";
    }
    if (r.rejected > 0) {
      std::cerr << file << ": " << r.rejected << " rows rejected (exit code 1) / " << r.rejected
                << " 行被拒绝（退出码 1）\n";
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace

void AddImportCommand(CLI::App& app, const std::string& db_url, int* exit_code) {
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand(
      "import", "import registry records from CSV (UTF-8/GB18030), XLSX or JSON files");
  cmd->add_option("kind", args->kind,
                  "standards|institutions|certificates|capabilities|people|equipment|credit|"
                  "penalties")
      ->required();
  cmd->add_option("files", args->files, "files to import, in order")->required();
  cmd->add_flag("--dry-run", args->dry_run, "validate and report, write nothing");
  cmd->add_option("--encoding", args->encoding, "text encoding: auto, utf-8 or gb18030")
      ->capture_default_str();
  cmd->add_option("--format", args->format, "csv, xlsx or json (default: from the extension)");
  cmd->add_option("--id-key", args->id_key_file, "key of the ID number hash (people)")
      ->capture_default_str();
  cmd->add_option("--errors-csv", args->errors_csv, "write every issue to this CSV file");
  cmd->callback([args, &db_url, exit_code] { *exit_code = Run(*args, db_url); });
}

}  // namespace zhijian::cli
