#include "zhijian/cli/cli_util.h"

#include <filesystem>
#include <iostream>

namespace zhijian::cli {

int Fail(const Error& e, const std::string& where) {
  const std::string prefix = where.empty() ? "" : where + ": ";
  std::cerr << prefix << "error: " << e.message_en();
  if (!e.detail().empty()) std::cerr << " (" << e.detail() << ")";
  std::cerr << " [" << e.code() << "]\n" << prefix << "错误：" << e.message_zh();
  if (!e.detail().empty()) std::cerr << "（" << e.detail() << "）";
  std::cerr << "\n";
  return 1;
}

Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url, bool bulk,
                                                      bool bulk_journal) {
  if (url.rfind("sqlite:", 0) == 0 && url != "sqlite::memory:") {
    std::filesystem::path p(url.substr(7));
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  }
  store::OpenOptions options;
  if (bulk) options.sqlite_cache_mib = 1024;
  options.sqlite_bulk_journal = bulk_journal;
  return store::Database::Open(url, options);
}

}  // namespace zhijian::cli
