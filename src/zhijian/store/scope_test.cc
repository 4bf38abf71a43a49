// scope.h predicates, checked by running them as SQL on both backends.
#include "zhijian/store/scope.h"

#include <gtest/gtest.h>

#include "zhijian/store/test_fixture_internal.h"

namespace zhijian::store {
namespace {

class ScopeTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_NE(db_, nullptr);
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    Script(conn->get(),
           "CREATE TABLE records (id {{PK}}, name TEXT NOT NULL, region_code TEXT NOT NULL,"
           " institution_id BIGINT NOT NULL, published INTEGER NOT NULL);"
           "INSERT INTO records (name, region_code, institution_id, published) VALUES"
           " ('jinan-lixia', '370102', 1, 1),"
           " ('jinan-shizhong', '370103', 2, 0),"
           " ('qingdao-shinan', '370202', 2, 1),"
           " ('beijing-dongcheng', '110101', 3, 0),"
           " ('shanghai-huangpu', '310101', 4, 0);");
  }

  // Names visible to `p` under `columns`, sorted.
  std::vector<std::string> Visible(const Principal& p, const ScopeColumns& columns) {
    std::string sql = "SELECT name FROM records r WHERE 1=1";
    std::vector<Value> params;
    AppendScope(ScopeFor(p, columns), &sql, &params);
    sql += " ORDER BY name";
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto rows = (*conn)->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().ToString());
    std::vector<std::string> names;
    if (rows.ok()) {
      for (const Row& row : *rows) names.push_back(row.Text(0));
    }
    return names;
  }

  static Principal Make(Role role, std::string prefix = "",
                        std::optional<int64_t> institution = std::nullopt) {
    Principal p;
    p.role = role;
    p.user_id = role == Role::kPublic ? 0 : 7;
    p.region_prefix = std::move(prefix);
    p.institution_id = institution;
    return p;
  }

  std::unique_ptr<Database> db_;
  const ScopeColumns columns_{.region_column = "r.region_code",
                              .institution_column = "r.institution_id"};
};

using Names = std::vector<std::string>;

TEST_P(ScopeTest, AdminSeesEverything) {
  EXPECT_EQ(Visible(Make(Role::kAdmin), columns_).size(), 5u);
}

TEST_P(ScopeTest, RegulatorSeesItsRegionSubtree) {
  EXPECT_EQ(Visible(Make(Role::kRegulator, "37"), columns_),
            (Names{"jinan-lixia", "jinan-shizhong", "qingdao-shinan"}));
  EXPECT_EQ(Visible(Make(Role::kRegulator, "3701"), columns_),
            (Names{"jinan-lixia", "jinan-shizhong"}));
  EXPECT_EQ(Visible(Make(Role::kRegulator, "370102"), columns_), (Names{"jinan-lixia"}));
  EXPECT_EQ(Visible(Make(Role::kRegulator, "44"), columns_), Names{});
  EXPECT_EQ(Visible(Make(Role::kRegulator, ""), columns_).size(), 5u);  // national
  EXPECT_EQ(Visible(Make(Role::kInspector, "11"), columns_), (Names{"beijing-dongcheng"}));
}

TEST_P(ScopeTest, RegulatorSeesNothingOfRecordsWithoutRegion) {
  EXPECT_EQ(Visible(Make(Role::kRegulator, "37"),
                    {.region_column = "", .institution_column = "r.institution_id"}),
            Names{});
}

TEST_P(ScopeTest, InstitutionSeesOnlyItsOwnRecords) {
  EXPECT_EQ(Visible(Make(Role::kInstitution, "", 2), columns_),
            (Names{"jinan-shizhong", "qingdao-shinan"}));
  EXPECT_EQ(Visible(Make(Role::kInstitution, "", 99), columns_), Names{});
  EXPECT_EQ(Visible(Make(Role::kInstitution), columns_), Names{});  // no institution id
}

TEST_P(ScopeTest, PublicSeesOnlyWhatARoutePublishes) {
  EXPECT_EQ(Visible(Make(Role::kPublic), columns_), Names{});
  ScopeColumns published = columns_;
  published.public_sql = "r.published = 1";
  EXPECT_EQ(Visible(Make(Role::kPublic), published), (Names{"jinan-lixia", "qingdao-shinan"}));
}

ZJ_INSTANTIATE_BACKENDS(ScopeTest);

}  // namespace
}  // namespace zhijian::store
