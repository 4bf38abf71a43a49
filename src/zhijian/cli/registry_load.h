// Loading a directory of registry import files (as `zhijian gen registry` writes them) in load
// order, with a progress bar per file; used by `gen registry --load` and `demo-init`.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::cli {

struct LoadTotals {
  int64_t rows = 0;
  int64_t rejected = 0;
  int64_t warnings = 0;
};

// Imports every file of registry::gen::ImportFiles() found in `dir`, one transaction per file,
// printing one summary line per file to `out`. Rejected rows are counted, not fatal (generated
// data carries labelled defects); a file that cannot be read is an error.
Result<LoadTotals> LoadRegistryDirectory(store::Database& db, const std::string& dir,
                                         const std::string& id_key_file, std::ostream& out);

}  // namespace zhijian::cli
