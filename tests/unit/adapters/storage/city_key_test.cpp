// City keys are Unicode case folds (decision 0038), and numbers stored with the older ASCII
// keys are found by the new ones after migration 11.
#include "adapters/storage/city_key.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "adapters/storage/database.hpp"
#include "adapters/storage/migrations.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

TEST(CityKeyTest, FoldsCaseAndCompositionTheSameWay) {
  const std::string koeln = CityKey("Köln");
  EXPECT_EQ(koeln, "köln");
  EXPECT_EQ(CityKey("KÖLN"), koeln);
  EXPECT_EQ(CityKey("Ko\xCC\x88ln"), koeln) << "o followed by a combining diaeresis";
  EXPECT_EQ(CityKey("STRASSE"), CityKey("Straße"));
  EXPECT_EQ(CityKey("ΑΘΉΝΑ"), CityKey("Αθήνα"));
  EXPECT_EQ(CityKey("Aachen"), "aachen");
  EXPECT_NE(CityKey("Köln"), CityKey("Koln"));
  EXPECT_EQ(CityKey("Bad\xFF"), "Bad\xFF") << "bytes that are not UTF-8 stay as they are";
}

TEST(CityKeyTest, MigrationElevenRekeysNumbersAddedWithAsciiKeys) {
  const testing::TempDir dir;
  const std::string path = (dir.path() / "fr.db").string();
  const std::string url = "sqlite:" + path;
  OrganizationId organization;
  {
    // A database as a binary of schema version 10 left it, the city key with only ASCII
    // letters lowered; whatever later migrations add, they find it as it was then.
    soci::session session("sqlite3", path);
    session
        << "CREATE TABLE schema_version (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";
    for (int version = 1; version <= 10; ++version) {
      for (const std::string& statement : MigrationStatements(version, Dialect::kSqlite)) {
        session << statement;
      }
      session << "INSERT INTO schema_version (version, applied_at) VALUES (:v, 0)",
          soci::use(version);
    }
    session << "INSERT INTO organizations (name, created_at) VALUES ('Org', 0)";
    long long id = 0;
    session << "SELECT id FROM organizations", soci::into(id);
    organization = OrganizationId(id);
    session << "INSERT INTO phone_numbers (number, country, city, city_key)"
               " VALUES ('00492211234', 'DE', 'KÖLN', 'kÖln')";
  }
  auto database = std::move(Database::Open(url, 1)).value();
  Hotline draft;
  draft.organization_id = organization;
  draft.name = "Notruf";
  const auto created = SociHotlineRepository(*database).Create(draft, {"DE", "Köln"}, 10, {});
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(created->number, "00492211234");
}

}  // namespace
}  // namespace fr
