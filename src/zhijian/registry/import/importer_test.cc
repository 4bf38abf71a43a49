// Tests of the import loader (importer.h) on both backends: every kind in load order from
// CSV (UTF-8 and GB18030), XLSX, JSON and JSON Lines; row errors with their locations;
// idempotent re-import with the audit trail verified; unreadable files, missing columns and dry
// runs write nothing.
#include "zhijian/registry/import/importer.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <xlsxwriter.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/backend_fixture.h"
#include "zhijian/audit/audit.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/identity.h"

namespace zhijian::registry::import {
namespace {

const TimePoint kNow = FromUnixMillis(1'767'225'600'000);  // 2026-01-01

std::string MakeUscc(const std::string& region, int serial) {
  std::string digits = std::to_string(serial);
  const std::string body = "MA" + std::string(6 - digits.size(), '0') + digits;
  const std::string first17 = "91" + region + body + *Uscc::ComputeOrgCheckChar(body);
  return first17 + *Uscc::ComputeCheckChar(first17);
}

std::string MakeId(const std::string& first17) { return first17 + *IdCheckChar(first17); }

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* o = out.data();
  size_t o_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &o_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - o_left);
  return out;
}

class ImporterTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    char tmpl[] = "/tmp/zj-import-files-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    files_ = tmpl;
    db_ = OpenDb();
    ASSERT_NE(db_, nullptr);
    registry_ = std::make_unique<Registry>(*db_, clock_);
    a_ = MakeUscc("370102", 1);
    b_ = MakeUscc("370203", 2);
    c_ = MakeUscc("110105", 3);
    suspect_ = MakeUscc("370102", 4);
    suspect_[17] = suspect_[17] == '0' ? '1' : '0';
  }
  void TearDown() override {
    std::error_code ec;
    if (!files_.empty()) std::filesystem::remove_all(files_, ec);
    BackendTest::TearDown();
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = files_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  Result<ImportReport> Import(Kind kind, const std::string& path, bool dry_run = false,
                              std::vector<LocatedIssue>* all = nullptr) {
    ImportOptions o;
    o.dry_run = dry_run;
    o.id_key_file = files_ + "/keys/id-hash.key";
    if (all) o.on_issue = [all](const LocatedIssue& li) { all->push_back(li); };
    return ImportFile(*db_, *registry_, clock_, kind, path, o);
  }

  int64_t Rows(const std::string& table) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    return Count(conn->get(), table);
  }

  // Row counts of every registry table and of the audit log.
  std::map<std::string, int64_t> Snapshot() {
    std::map<std::string, int64_t> m;
    for (const char* t : {"institutions", "certificates", "certificate_status_history", "standards",
                          "standard_replacements", "capabilities", "people", "signatory_fields",
                          "equipment", "credit_flags", "penalties", "audit_log"}) {
      m[t] = Rows(t);
    }
    return m;
  }

  // The files of a small registry, one per kind, in formats that exercise every reader.
  struct FileSet {
    std::vector<std::pair<Kind, std::string>> files;  // in load order
  };
  FileSet WriteAll() {
    FileSet fs;
    fs.files.emplace_back(
        Kind::kStandards,
        Write("standards.csv",
              "标准编号,标准名称,状态,发布日期,实施日期,废止日期,代替标准,被代替标准\n"
              "GB 5009.12-2017,食品安全国家标准 食品中铅的测定,现行,2017-04-06,2017-10-06,,"
              "GB 5009.12-2010,\n"
              "GB 5009.12-2010,食品中铅的测定,废止,2010-03-26,2010-06-01,2017-10-06,,"
              "GB 5009.12-2017\n"
              "GB/T 5750.6-2023,生活饮用水标准检验方法 第6部分：金属和类金属指标,现行,"
              "2023-03-17,2023-10-01,,,\n"));
    // Institutions in GB18030, CRLF.
    fs.files.emplace_back(
        Kind::kInstitutions,
        Write("institutions.csv",
              ToGb18030("机构名称,统一社会信用代码,所在地区代码,地址,法定代表人,机构性质,"
                        "检验检测领域,是否国家质检中心\r\n"
                        "济南检测中心," +
                        a_ +
                        ",370102,济南市历下区经十路1号,张三,事业单位法人,"
                        "食品；水质,是\r\n"
                        "青岛检测有限公司," +
                        b_ +
                        ",370203,\"青岛市市北区, 辽宁路2号\",李四,"
                        "企业法人,机动车,否\r\n"
                        "北京检测院," +
                        c_ +
                        ",110105,北京市朝阳区,王五,事业单位法人,建设工程,否\r\n"
                        "可疑机构," +
                        suspect_ + ",370102,济南市,赵六,企业法人,食品,否\r\n")));
    fs.files.emplace_back(
        Kind::kCertificates,
        Write("certificates.csv",
              "统一社会信用代码,证书编号,发证机关,发证日期,有效期至,证书状态\n" + a_ +
                  ",231500000001,山东省市场监督管理局,2023-01-10,2029-01-09,有效\n" + b_ +
                  ",221500000002,山东省市场监督管理局,2022/5/6,2028/5/5,有效\n" + c_ +
                  ",230100000003,北京市市场监督管理局,2023年3月1日,2029年2月28日,暂停\n"));
    fs.files.emplace_back(
        Kind::kCapabilities,
        Write("capabilities.csv",
              "\xEF\xBB\xBF"
              "证书编号,类别,产品/对象,项目/参数,参数,标准编号,标准名称,限制范围,批准日期\r\n"
              "231500000001,食品,大米,铅,,GB 5009.12-2017,食品中铅的测定,,2023-01-10\r\n"
              "231500000001,食品,大米,镉,,GB 5009.15-2014,食品中镉的测定,只做第一法,2023-01-10\r\n"
              "231500000001,水质,生活饮用水,铅,,GB/T 5750.6-2023,\"生活饮用水标准检验方法\n"
              "第6部分\",,2023-01-10\r\n"
              "221500000002,机动车,汽油车,排气污染物,,GB 18285-2018,,,2022-05-06\r\n"
              "231500000099,食品,大米,铅,,GB 5009.12-2017,,,2023-01-10\r\n"
              "231500000001,食品,小麦,铅,,GB 5009.12-2017,,,2023-02-30\r\n"));
    fs.files.emplace_back(
        Kind::kPeople,
        Write("people.csv",
              "统一社会信用代码,姓名,身份证号,职称,岗位/角色,授权签字领域,授权日期,授权截止\n" +
                  a_ + ",孙七," + MakeId("37010219800101001") +
                  ",高级工程师,技术负责人;授权签字人,食品;水质,2023-01-10,2029-01-09\n" + b_ +
                  ",周八," + MakeId("37020319850505002") + ",工程师,检测人员,,,\n" + a_ +
                  ",吴九,370102198001010019X,工程师,检测人员,,,\n"));
    fs.files.emplace_back(Kind::kEquipment, WriteEquipmentXlsx());
    fs.files.emplace_back(
        Kind::kCredit,
        Write("credit.jsonl",
              "{\"uscc\":\"" + b_ +
                  "\",\"kind\":\"经营异常名录\",\"listed_on\":\"2024-06-01\",\"authority\":"
                  "\"青岛市市场监督管理局\",\"reason\":\"未按期公示年报\"}\n\n"
                  "{\"uscc\":\"" +
                  MakeUscc("370102", 99) +
                  "\",\"kind\":\"经营异常名录\",\"listed_on\":\"2024-06-01\"}\n"));
    fs.files.emplace_back(
        Kind::kPenalties,
        Write("penalties.json", "[{\"uscc\":\"" + a_ +
                                    "\",\"decision_no\":\"济市监罚〔2024〕12号\",\"decided_on\":"
                                    "\"2024-03-05\",\"authority\":\"济南市市场监督管理局\","
                                    "\"violation\":\"出具虚假检验检测报告\",\"amount_yuan\":50000},"
                                    "{\"uscc\":\"" +
                                    c_ +
                                    "\",\"decision_no\":\"京市监罚〔2024〕7号\",\"decided_on\":"
                                    "\"2024-04-01\",\"amount_yuan\":\"3万元\",\"memo\":\"x\"}]"));
    return fs;
  }

  std::string WriteEquipmentXlsx() {
    const std::string path = files_ + "/equipment.xlsx";
    lxw_workbook* wb = workbook_new(path.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "设备");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    const char* headers[] = {"统一社会信用代码", "设备名称", "型号规格", "出厂编号",
                             "检定/校准有效期至"};
    for (int c = 0; c < 5; ++c) worksheet_write_string(ws, 0, c, headers[c], nullptr);
    worksheet_write_string(ws, 1, 0, a_.c_str(), nullptr);
    worksheet_write_string(ws, 1, 1, "电感耦合等离子体质谱仪", nullptr);
    worksheet_write_string(ws, 1, 2, "NexION 2000", nullptr);
    worksheet_write_number(ws, 1, 3, 81234567, nullptr);  // a serial typed as a number
    lxw_datetime due = {2026, 6, 30, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 4, &due, date);
    worksheet_write_string(ws, 2, 0, b_.c_str(), nullptr);
    worksheet_write_string(ws, 2, 1, "底盘测功机", nullptr);
    // C3 (型号规格) empty
    worksheet_write_string(ws, 2, 3, "DCG-10", nullptr);
    worksheet_write_string(ws, 2, 4, "2025/12/31", nullptr);
    worksheet_write_string(ws, 3, 0, a_.c_str(), nullptr);
    worksheet_write_string(ws, 3, 1, "天平", nullptr);
    worksheet_write_string(ws, 3, 4, "下个月", nullptr);
    EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
    return path;
  }

  FakeClock clock_{kNow};
  std::string files_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Registry> registry_;
  std::string a_, b_, c_, suspect_;
};

const LocatedIssue* FindIssue(const std::vector<LocatedIssue>& v, const std::string& code) {
  for (const auto& li : v) {
    if (li.issue.code == code) return &li;
  }
  return nullptr;
}

TEST_P(ImporterTest, LoadsEveryKindThenReimportChangesNothing) {
  FileSet fs = WriteAll();
  std::map<Kind, ImportReport> first;
  std::vector<LocatedIssue> issues;
  for (const auto& [kind, path] : fs.files) {
    auto r = Import(kind, path, false, &issues);
    ASSERT_TRUE(r.ok()) << path << ": " << r.error().ToString();
    EXPECT_TRUE(r->audit_seq.has_value());
    first[kind] = *r;
  }
  EXPECT_EQ(first[Kind::kInstitutions].encoding, Encoding::kGb18030);
  EXPECT_EQ(first[Kind::kStandards].inserted, 3);
  EXPECT_EQ(first[Kind::kInstitutions].inserted, 4);
  EXPECT_EQ(first[Kind::kInstitutions].warnings, 1);  // the suspect USCC
  EXPECT_EQ(first[Kind::kCertificates].inserted, 3);
  EXPECT_EQ(first[Kind::kCapabilities].rows_read, 6);
  EXPECT_EQ(first[Kind::kCapabilities].inserted, 4);
  EXPECT_EQ(first[Kind::kCapabilities].rejected, 2);
  EXPECT_EQ(first[Kind::kPeople].inserted, 2);
  EXPECT_EQ(first[Kind::kPeople].rejected, 1);
  EXPECT_EQ(first[Kind::kEquipment].inserted, 2);
  EXPECT_EQ(first[Kind::kEquipment].rejected, 1);
  EXPECT_EQ(first[Kind::kCredit].inserted, 1);
  EXPECT_EQ(first[Kind::kCredit].rejected, 1);
  EXPECT_EQ(first[Kind::kPenalties].inserted, 2);
  EXPECT_EQ(first[Kind::kPenalties].warnings, 1);  // the unknown key "memo"

  // Row errors carry file, location and both languages.
  const LocatedIssue* unknown_cert = FindIssue(issues, "import.unknown-certificate");
  ASSERT_NE(unknown_cert, nullptr);
  EXPECT_EQ(unknown_cert->where, "7:1");  // line 7: a quoted field spans lines 4-5
  EXPECT_NE(unknown_cert->ToString().find("capabilities.csv:7:1: error: no certificate"),
            std::string::npos)
      << unknown_cert->ToString();
  EXPECT_NE(unknown_cert->ToString().find("证书编号在登记库中不存在"), std::string::npos);
  const LocatedIssue* bad_date = FindIssue(issues, "import.bad-date");
  ASSERT_NE(bad_date, nullptr);
  EXPECT_EQ(bad_date->where, "8:9");
  const LocatedIssue* bad_id = FindIssue(issues, "identity.bad-length");
  ASSERT_NE(bad_id, nullptr);
  EXPECT_EQ(bad_id->where, "4:3");
  EXPECT_EQ(bad_id->ToString().find("370102198001010019X"), std::string::npos);
  const LocatedIssue* xlsx_date = nullptr;
  for (const auto& li : issues) {
    if (li.file.find("equipment.xlsx") != std::string::npos && li.issue.code == "import.bad-date") {
      xlsx_date = &li;
    }
  }
  ASSERT_NE(xlsx_date, nullptr);
  EXPECT_EQ(xlsx_date->where, "E4");
  const LocatedIssue* unknown_inst = FindIssue(issues, "import.unknown-institution");
  ASSERT_NE(unknown_inst, nullptr);
  EXPECT_EQ(unknown_inst->where, "3:uscc");  // JSON Lines: line 3 (line 2 is blank)
  const LocatedIssue* memo = FindIssue(issues, "import.unknown-column");
  ASSERT_NE(memo, nullptr);
  EXPECT_EQ(memo->where, "2:memo");

  // What was stored.
  EXPECT_EQ(Rows("institutions"), 4);
  EXPECT_EQ(Rows("capabilities"), 4);
  EXPECT_EQ(Rows("people"), 2);
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto eq =
        conn->get().QueryOne("SELECT serial, calibration_due, model FROM equipment WHERE name = ?",
                             std::vector<store::Value>{std::string("电感耦合等离子体质谱仪")});
    ASSERT_TRUE(eq.ok() && eq->has_value());
    EXPECT_EQ((*eq)->Text(0), "81234567");
    EXPECT_EQ((*eq)->Text(1), "2026-06-30");
    auto cap = conn->get().QueryOne("SELECT standard_name FROM capabilities WHERE standard_no = ?",
                                    std::vector<store::Value>{std::string("GB/T 5750.6-2023")});
    ASSERT_TRUE(cap.ok() && cap->has_value());
    EXPECT_EQ((*cap)->Text(0), "生活饮用水标准检验方法\n第6部分");
    auto inst = conn->get().QueryOne(
        "SELECT name, address, national_centre FROM institutions WHERE uscc = ?",
        std::vector<store::Value>{b_});
    ASSERT_TRUE(inst.ok() && inst->has_value());
    EXPECT_EQ((*inst)->Text(0), "青岛检测有限公司");
    EXPECT_EQ((*inst)->Text(1), "青岛市市北区, 辽宁路2号");
    EXPECT_EQ((*inst)->Int(2), 0);
    auto pen = conn->get().QueryOne("SELECT amount_yuan FROM penalties WHERE decision_no = ?",
                                    std::vector<store::Value>{std::string("京市监罚〔2024〕7号")});
    ASSERT_TRUE(pen.ok() && pen->has_value());
    EXPECT_DOUBLE_EQ((*pen)->Real(0), 30000);
  }
  const auto before = Snapshot();

  // Re-import: every accepted row is unchanged; one more audit record per file.
  for (const auto& [kind, path] : fs.files) {
    auto r = Import(kind, path);
    ASSERT_TRUE(r.ok()) << path << ": " << r.error().ToString();
    EXPECT_EQ(r->inserted, 0) << path;
    EXPECT_EQ(r->updated, 0) << path;
    EXPECT_EQ(r->unchanged, first[kind].inserted) << path;
    EXPECT_EQ(r->rejected, first[kind].rejected) << path;
  }
  auto after = Snapshot();
  EXPECT_EQ(after["audit_log"], before.at("audit_log") + static_cast<int64_t>(fs.files.size()));
  after["audit_log"] = before.at("audit_log");
  EXPECT_EQ(after, before);

  // The audit trail: intact, one registry.import event per import with the file's hash.
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto report = audit::Verify(conn->get());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->code << " " << report->message;
  audit::ListFilter f;
  f.limit = 200;
  f.action_prefix = "registry.import";
  auto page = audit::List(conn->get(), Principal::Cli(), f);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 2 * fs.files.size());
  const auto& last = page->records.front();  // newest: penalties.json, second run
  EXPECT_EQ(last.target_type, "file");
  EXPECT_EQ(last.target_id, "penalties.json");
  auto detail = last.DetailObject();
  EXPECT_EQ(detail.at("kind").as_string(), "penalties");
  EXPECT_EQ(detail.at("sha256").as_string(), *FileSha256(fs.files.back().second));
  EXPECT_EQ(detail.at("unchanged").as_int64(), 2);
}

TEST_P(ImporterTest, UnreadableFilesWriteNothing) {
  FileSet fs = WriteAll();
  ASSERT_TRUE(Import(Kind::kStandards, fs.files[0].second).ok());
  ASSERT_TRUE(Import(Kind::kInstitutions, fs.files[1].second).ok());
  const auto before = Snapshot();

  // Missing file.
  auto missing = Import(Kind::kCertificates, files_ + "/nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "import.unreadable");
  // Not a zip.
  auto bad_zip = Import(Kind::kEquipment, Write("broken.xlsx", "PK\x03\x04 not really"));
  ASSERT_FALSE(bad_zip.ok());
  EXPECT_EQ(bad_zip.error().code(), "import.xlsx-bad-zip");
  // Valid rows first, then a byte that is no UTF-8 beyond the first megabyte: the rows read
  // before it are rolled back.
  std::string big = "统一社会信用代码,证书编号,发证机关\n";
  while (big.size() < (3u << 20)) {
    big += a_ + ",231500000001,山东省市场监督管理局山东省市场监督管理局山东省市场监督管理局\n";
  }
  big += a_ + ",231500000001,\xFF\n";
  auto bad_encoding = Import(Kind::kCertificates, Write("bad-encoding.csv", big));
  ASSERT_FALSE(bad_encoding.ok());
  EXPECT_EQ(bad_encoding.error().code(), "import.bad-encoding");
  // Unterminated quote at the end.
  auto quote = Import(Kind::kCertificates,
                      Write("quote.csv", "统一社会信用代码,证书编号\n" + a_ + ",231500000001\n" +
                                             b_ + ",\"221500000002\n"));
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.error().code(), "import.csv-unterminated-quote");
  // Missing a required column.
  auto columns = Import(Kind::kCertificates,
                        Write("columns.csv", "统一社会信用代码,发证机关\n" + a_ + ",x\n"));
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.error().code(), "import.missing-columns");
  // Broken JSON after valid records.
  auto json =
      Import(Kind::kPenalties, Write("broken.json", "[{\"uscc\":\"" + a_ +
                                                        "\",\"decision_no\":\"1\",\"decided_on\":"
                                                        "\"2024-01-01\"}, {\"uscc\": "));
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.error().code(), "import.json-syntax");
  // A file of the wrong kind (no required columns).
  auto wrong = Import(Kind::kPeople, fs.files[2].second);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), "import.missing-columns");

  EXPECT_EQ(Snapshot(), before);
}

// The bulk path (forced here by a low threshold): on SQLite the capability table's query indexes
// are dropped and built again inside the import's transaction, so after a load, and after a
// load that fails midway, the same indexes exist; the rows and errors are those of the normal
// path. PostgreSQL keeps its indexes.
TEST_P(ImporterTest, BulkLoadRebuildsIndexesInItsTransaction) {
  FileSet fs = WriteAll();
  ASSERT_TRUE(Import(Kind::kStandards, fs.files[0].second).ok());
  ASSERT_TRUE(Import(Kind::kInstitutions, fs.files[1].second).ok());
  ASSERT_TRUE(Import(Kind::kCertificates, fs.files[2].second).ok());
  auto indexes = [&]() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    const bool pg = conn->get().backend() == store::Backend::kPostgres;
    auto rows = conn->get().Query(
        pg ? "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('capabilities', "
             "'institution_standards') ORDER BY indexname"
           : "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND "
             "tbl_name IN ('capabilities', 'institution_standards') ORDER BY name");
    EXPECT_TRUE(rows.ok());
    std::vector<std::string> out;
    for (const auto& r : *rows) out.push_back(r.Text(0) + " " + r.Text(1));
    return out;
  };
  const auto before = indexes();
  ASSERT_GE(before.size(), 8u);
  std::vector<LocatedIssue> issues;
  auto bulk = [&](const std::string& path) {
    ImportOptions o;
    o.bulk_min_rows = 1;
    o.on_issue = [&issues](const LocatedIssue& li) { issues.push_back(li); };
    return ImportFile(*db_, *registry_, clock_, Kind::kCapabilities, path, o);
  };
  const bool sqlite = GetParam() == store::Backend::kSqlite;
  // A load that fails after 3 MB of valid rows: rolled back with the dropped indexes.
  std::string big = "证书编号,类别,产品/对象,项目/参数,参数,标准编号,标准名称,限制范围,批准日期\n";
  for (int n = 0; big.size() < (3u << 20); ++n) {
    big += "231500000001,食品,大米,项目" + std::to_string(n) + ",,GB 5009.12-2017,,,2023-01-10\n";
  }
  big += "231500000001,食品,大米,\xFF,,GB 5009.12-2017,,,2023-01-10\n";
  auto failed = bulk(Write("bulk-bad.csv", big));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), "import.bad-encoding");
  EXPECT_EQ(indexes(), before);
  EXPECT_EQ(Rows("capabilities"), 0);
  // A load that succeeds: the same rows and errors as the normal path, the same indexes.
  issues.clear();
  auto r = bulk(fs.files[3].second);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->indexes_rebuilt > 0, sqlite);
  EXPECT_EQ(r->inserted, 4);
  EXPECT_EQ(r->rejected, 2);
  const LocatedIssue* unknown_cert = FindIssue(issues, "import.unknown-certificate");
  ASSERT_NE(unknown_cert, nullptr);
  EXPECT_EQ(unknown_cert->where, "7:1");
  EXPECT_EQ(indexes(), before);
  EXPECT_EQ(Rows("capabilities"), 4);
  EXPECT_EQ(Rows("institution_standards"), 4);
  // Re-import: unchanged, and (twice the stored rows not reached) no rebuild.
  auto again = bulk(fs.files[3].second);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 4);
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->indexes_rebuilt, 0);
  EXPECT_EQ(indexes(), before);
}

TEST_P(ImporterTest, DryRunValidatesAndWritesNothing) {
  FileSet fs = WriteAll();
  ASSERT_TRUE(Import(Kind::kStandards, fs.files[0].second).ok());
  ASSERT_TRUE(Import(Kind::kInstitutions, fs.files[1].second).ok());
  ASSERT_TRUE(Import(Kind::kCertificates, fs.files[2].second).ok());
  const auto before = Snapshot();
  // Look-ups see the database: the known certificates resolve, the unknown one is an error.
  std::vector<LocatedIssue> issues;
  auto r = Import(Kind::kCapabilities, fs.files[3].second, true, &issues);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->dry_run);
  EXPECT_FALSE(r->audit_seq.has_value());
  EXPECT_EQ(r->inserted, 4);
  EXPECT_EQ(r->rejected, 2);
  EXPECT_NE(FindIssue(issues, "import.unknown-certificate"), nullptr);
  // Institutions of the dry run would not be seen by a later dry run of certificates.
  EXPECT_EQ(Snapshot(), before);
  auto again = Import(Kind::kCapabilities, fs.files[3].second, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 4);
}

ZJ_INSTANTIATE_BACKENDS(ImporterTest);

}  // namespace
}  // namespace zhijian::registry::import
