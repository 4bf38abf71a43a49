#include "zhijian/cli/registry_load.h"

#include <cstdio>
#include <filesystem>

#include "zhijian/base/clock.h"
#include "zhijian/cli/progress.h"
#include "zhijian/registry/gen/generator.h"
#include "zhijian/registry/import/importer.h"
#include "zhijian/registry/registry.h"

namespace zhijian::cli {

Result<LoadTotals> LoadRegistryDirectory(store::Database& db, const std::string& dir,
                                         const std::string& id_key_file, std::ostream& out) {
  registry::Registry reg(db, SystemClock::Instance());
  LoadTotals totals;
  for (const std::string& file : registry::gen::ImportFiles()) {
    const std::string path = (std::filesystem::path(dir) / file).string();
    if (!std::filesystem::exists(path)) continue;
    const std::string kind_name = file.substr(0, file.find('.'));
    ZJ_ASSIGN_OR_RETURN(auto kind, registry::import::ParseKind(kind_name));
    registry::import::ImportOptions opt;
    opt.id_key_file = id_key_file;
    opt.keep_issues = 0;
    ProgressBar bar("load " + file);
    opt.on_progress = [&](uint64_t done, uint64_t total, int64_t rows) {
      bar.Update(done, total, rows);
    };
    auto r = registry::import::ImportFile(db, reg, SystemClock::Instance(), kind, path, opt);
    if (!r) {
      bar.Finish("failed / 失败");
      return std::move(r).error().WithDetail(path);
    }
    bar.Finish();
    totals.rows += r->rows_read;
    totals.rejected += r->rejected;
    totals.warnings += r->warnings;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%-16s %9lld rows %9lld new %9lld updated %9lld unchanged %7lld rejected "
                  "%7lld warnings %6.1f s\n",
                  file.c_str(), static_cast<long long>(r->rows_read),
                  static_cast<long long>(r->inserted), static_cast<long long>(r->updated),
                  static_cast<long long>(r->unchanged), static_cast<long long>(r->rejected),
                  static_cast<long long>(r->warnings), r->seconds);
    out << line;
  }
  return totals;
}

}  // namespace zhijian::cli
