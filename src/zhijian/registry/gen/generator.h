// Realistic registry data generator (`zhijian gen registry`).
//
// Purpose: writes the registry import files (standards.csv, institutions.csv, certificates.csv,
// capabilities.csv, people.csv, equipment.csv, credit.csv, penalties.csv: UTF-8 CSV with the
// Chinese headers of the import format) plus labels.jsonl, the ground truth of the defects it
// injected, for the import path, the benchmarks and the data-quality and risk modules.
//
// Realism: real GB/T 2260 region codes (RegionTable), USCCs with correct check characters
// (authority/type 91 企业法人, 12 事业单位法人, 52 民办非企业单位; region = the institution's
// county), CMA numbers that decode (year of issue, the province's issuer code or 00 for national
// centres, discipline/industry from the institution's domains, serial), 6-year validity, real
// standards from data/standards/catalogue.tsv (embedded) plus SYNTHETIC local/group standards
// (names end in （合成）) up to the scale's catalogue size, Chinese names and addresses,
// 身份证号 passing GB 11643 (fictional), titles, roles, signatory fields equal to capability
// categories, equipment per domain with calibration due dates after `today`.
//
// Defects (each labelled, one JSON object per line in labels.jsonl, with the file and 1-based
// line of the row that carries it): see DefectKinds(). Each eligible record gets a defect with
// probability `defect_rate`. With defect_rate = 0 the files are fully valid.
//
// Determinism: a pure function of (scale, seed, today, defect_rate): the same inputs give
// byte-identical files on every platform (own PRNG and sampling, no <random> distributions, no
// clock). Memory is bounded by the institution count (a few small numbers per institution); rows
// are streamed to disk.
//
// Ownership: writes files into options.out_dir (created if missing; existing files replaced).
// Thread-safety: Generate is reentrant (no global mutable state).
// Errors: "gen.bad-option" (kInvalidArgument: unknown scale, bad today, rate outside [0, 0.5]),
// "gen.io" (kUnavailable: a file cannot be written), "gen.catalogue" (kInternal: the embedded
// catalogue is malformed).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::registry::gen {

// Target totals of a dataset. Per-institution counts are skewed (log-normal: most institutions
// small, a few very large) and scaled so that the totals are met exactly (up to the minimum
// sizes).
struct Scale {
  std::string name;
  int64_t institutions = 0;
  int64_t people = 0;
  int64_t key_people = 0;  // 技术负责人 + 质量负责人 (each institution >= 2)
  int64_t equipment = 0;
  int64_t capabilities = 0;
  int64_t standards = 0;  // catalogue rows: the real ones plus synthetic ones up to this
  // "37": all institutions in that province; "": national, weighted across provinces.
  std::string region_prefix;
};

// "demo" (≈300 institutions in 山东, loads in seconds), "province" (山东's figures: 3,803
// institutions, 158.7k people, 10.2k key people, 47.8k standards, 1.25 M instruments, 4.79 M
// capability rows) and "national" (≈53,000 institutions, same per-institution figures).
Result<Scale> ScaleByName(std::string_view name);

struct Options {
  Scale scale;
  uint64_t seed = 1;
  std::string today;  // "YYYY-MM-DD", required (the CLI passes the clock's date)
  double defect_rate = 0.02;
  std::string out_dir;
};

struct Progress {
  std::string_view phase;  // "standards", "institutions"
  int64_t done = 0;
  int64_t total = 0;
  int64_t rows = 0;  // rows written so far, all files
};
using ProgressFn = std::function<void(const Progress&)>;

struct FileStat {
  std::string file;  // "institutions.csv"
  int64_t rows = 0;  // data rows (without the header)
  int64_t bytes = 0;
};

struct Summary {
  std::vector<FileStat> files;             // in load order, then labels.jsonl
  std::map<std::string, int64_t> defects;  // kind -> count
  int64_t rows = 0;                        // data rows of all CSV files
};

Result<Summary> Generate(const Options& options, const ProgressFn& progress = nullptr);

// The CSV files in load order: standards, institutions, certificates, capabilities, people,
// equipment, credit, penalties.
const std::vector<std::string>& ImportFiles();
inline constexpr std::string_view kLabelsFile = "labels.jsonl";

// The defect kinds, as written in labels.jsonl "kind":
//   cert-expired-but-valid         certificates.csv: 有效期至 < today, 证书状态 有效
//   cert-expiring-soon             certificates.csv: expires within 90 days, no renewal
//   capability-abolished-standard  capabilities.csv: 标准编号 abolished/replaced (废止)
//   person-two-institutions        people.csv: the same 身份证号 as a person at other_uscc
//   calibration-overdue            equipment.csv: 检定/校准有效期至 < today
//   uscc-bad-check                 institutions.csv: wrong 18th (check) character
//   missing-required-field         empty 标准编号 (capabilities), 设备名称 (equipment) or 姓名
//                                  (people; never a key-position holder); "field" names it
//   signatory-field-not-covered    people.csv: a 授权签字领域 outside the capability categories
//   key-position-unfilled          institutions.csv: no 技术负责人 or no 质量负责人 ("field")
const std::vector<std::string>& DefectKinds();

// The real standards catalogue (data/standards/catalogue.tsv, embedded), for tests and tools.
struct CatalogueEntry {
  std::string number;
  std::string name;
  std::string published_on, effective_on, abolished_on;  // "" = unknown
  std::vector<std::string> replaced_by;
  std::string domain;  // 食品, 水质, ...
  std::vector<std::string> items;
};
Result<std::vector<CatalogueEntry>> RealCatalogue();
// The provenance line of the catalogue (its first comment, without '#').
std::string CatalogueSource();

// The testing domains (检验检测领域 = capability 类别), in the generator's order.
const std::vector<std::string>& Domains();

}  // namespace zhijian::registry::gen
