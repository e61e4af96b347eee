// The storage adapter on a real PostgreSQL: nodes that start together migrate once, an
// acknowledged write survives a crash of the server, sessions reconnect after a restart, and
// errors keep their meaning without quoting rows into the log.
#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_agent_phone_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "support/postgres_cluster.hpp"

namespace fr {
namespace {

using testing::PostgresCluster;
using testing::PostgresDatabase;
using testing::SharedPostgresCluster;

std::unique_ptr<Database> Open(const std::string& url, std::size_t pool_size = 2) {
  auto opened = Database::Open(url, pool_size);
  if (!opened.ok()) throw std::runtime_error(opened.error().detail);
  return std::move(opened).value();
}

TEST(PostgresqlStorageTest, NodesStartingAtOnceMigrateOnce) {
  const PostgresDatabase empty;
  constexpr int kNodes = 4;
  std::vector<Status> results(kNodes);
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&, i] {
      auto opened = Database::Open(empty.url(), 1);
      results[i] = opened.ok() ? Ok() : Status(opened.error());
    });
  }
  for (auto& node : nodes) node.join();
  for (const Status& result : results) EXPECT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(SharedPostgresCluster().Query("SELECT COUNT(*) FROM schema_version", empty.name()),
            std::to_string(Database::LatestSchemaVersion()));
}

TEST(PostgresqlStorageTest, AUniqueViolationIsAlreadyExistsAndTheRowStaysOutOfTheLog) {
  const PostgresDatabase database;
  const auto opened = Open(database.url());
  const auto user = SociUserRepository(*opened).Create("Ann", {});
  ASSERT_TRUE(user.ok());
  SociAgentPhoneRepository phones(*opened);
  const AgentPhone phone{AgentPhoneId{}, user->id, "Mobile", "004917612345678", true};
  ASSERT_TRUE(phones.Create(phone).ok());

  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  capture->set_level(spdlog::level::trace);
  spdlog::set_default_logger(capture);
  const auto again = phones.Create(phone);
  spdlog::set_default_logger(previous);

  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(log.str().find("duplicate key"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find("12345678"), std::string::npos) << log.str();
}

// Its own cluster: this test stops the server, which the shared one's other users would mind.
TEST(PostgresqlStorageTest, AnAcknowledgedWriteSurvivesACrashAndSessionsReconnect) {
  const auto cluster = PostgresCluster::Create();
  cluster->Execute("CREATE DATABASE fr");
  constexpr std::size_t kSessions = 3;
  const auto database = Open(cluster->Url("fr"), kSessions);
  // The cluster's default is off (see PostgresCluster): the service turns it on for itself.
  const auto setting = database->Run("read a setting", [](soci::session& session) {
    std::string value;
    session << "SHOW synchronous_commit", soci::into(value);
    return value;
  });
  EXPECT_EQ(*setting, "on");
  SociOrganizationRepository organizations(*database);
  std::vector<OrganizationId> written;
  for (int i = 0; i < 20; ++i) {
    const auto created = organizations.Create("Org " + std::to_string(i), {});
    ASSERT_TRUE(created.ok()) << created.error().detail;
    written.push_back(created->id);
  }
  // No checkpoint, no flush of what a commit had not flushed already.
  cluster->Stop("immediate");
  EXPECT_EQ(organizations.Find(written.back()).error().code, ErrorCode::kUnavailable);
  cluster->Start();

  // Each pooled session finds its connection gone at most once, as kUnavailable.
  std::size_t failures = 0;
  for (std::size_t i = 0; i < 4 * kSessions; ++i) {
    const auto found = organizations.Find(written.back());
    if (found.ok()) continue;
    EXPECT_EQ(found.error().code, ErrorCode::kUnavailable);
    ++failures;
  }
  EXPECT_LE(failures, kSessions);
  for (const OrganizationId id : written) {
    const auto found = organizations.Find(id);
    ASSERT_TRUE(found.ok()) << found.error().detail;
    EXPECT_TRUE(found->has_value()) << "organisation " << id.value << " was acknowledged";
  }
  EXPECT_EQ(*organizations.Count(), 20);
}

}  // namespace
}  // namespace fr
