// City keys are Unicode case folds (decision 0038), and numbers stored with the older ASCII
// keys are found by the new ones after migration 11.
#include "adapters/storage/city_key.hpp"

#include <gtest/gtest.h>

#include "adapters/storage/database.hpp"
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
  const std::string url = "sqlite:" + (dir.path() / "fr.db").string();
  OrganizationId organization;
  {
    auto database = std::move(Database::Open(url, 1)).value();
    organization = SociOrganizationRepository(*database).Create("Org", {})->id;
    ASSERT_TRUE(SociNumberInventory(*database).Add({"00492211234"}, "DE", "KÖLN").ok());
    // As a binary before migration 11 stored it: only ASCII letters lowered.
    ASSERT_TRUE(database
                    ->Run("age the schema",
                          [](soci::session& session) {
                            session << "UPDATE phone_numbers SET city_key = 'kÖln'";
                            // Back to version 10: what migration 12 added goes too.
                            for (const char* undo :
                                 {"DROP TRIGGER hotline_channels_start", "DROP TABLE channel_claims",
                                  "DROP TABLE hotline_channels", "DROP TABLE node_leases",
                                  "DROP INDEX call_logs_open_by_node",
                                  "ALTER TABLE call_logs DROP COLUMN node_id",
                                  "ALTER TABLE hotlines DROP COLUMN provisioning_node",
                                  "ALTER TABLE hotlines DROP COLUMN provisioning_until",
                                  "DELETE FROM schema_version WHERE version >= 11"}) {
                              session << undo;
                            }
                          })
                    .ok());
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
