// What --database accepts, and that no message ever shows the password.
#include "adapters/storage/database_url.hpp"

#include <gtest/gtest.h>

#include <string>

#include "adapters/storage/database.hpp"

namespace fr {
namespace {

TEST(DatabaseUrlTest, NamesTheBackendAndMasksThePassword) {
  struct Case {
    std::string url;
    Dialect dialect;
    std::string redacted;
  };
  const Case cases[] = {
      {"sqlite:var/fr.db", Dialect::kSqlite, "sqlite:var/fr.db"},
      {"postgresql://fr@127.0.0.1:5432/fr", Dialect::kPostgresql,
       "postgresql://fr@127.0.0.1:5432/fr"},
      {"postgresql://fr:s3cr%40t@db.example:6432/fr?sslmode=require", Dialect::kPostgresql,
       "postgresql://fr:***@db.example:6432/fr?sslmode=require"},
      {"postgres://fr@db/fr?password=s3cret&sslmode=verify-full", Dialect::kPostgresql,
       "postgres://fr@db/fr?password=***&sslmode=verify-full"},
      {"postgresql:///fr?host=/run/postgresql", Dialect::kPostgresql,
       "postgresql:///fr?host=/run/postgresql"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    const auto parsed = ParseDatabaseUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed->dialect, c.dialect);
    EXPECT_EQ(parsed->redacted, c.redacted);
  }
  EXPECT_EQ(ParseDatabaseUrl("sqlite:var/fr.db")->target, "var/fr.db");
}

TEST(DatabaseUrlTest, RefusalsNeverRepeatThePassword) {
  const std::string refused[] = {
      "sqlite:",
      "mysql://fr:s3cret@db/fr",
      "s3cret",
      "postgresql://fr:s3c%zzret@db/fr",           // libpq quotes the bad part
      "postgresql://fr:s3cret@db/fr?colour=blue",  // not a libpq parameter
  };
  for (const std::string& url : refused) {
    SCOPED_TRACE(url);
    const auto parsed = ParseDatabaseUrl(url);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().detail.find("sqlite:PATH or postgresql://"), std::string::npos);
    EXPECT_EQ(parsed.error().detail.find("s3c"), std::string::npos) << parsed.error().detail;
  }
}

TEST(DatabaseUrlTest, AServerThatCannotBeReachedIsUnavailableAndThePasswordStaysOut) {
  // Port 1 on loopback: nothing listens there.
  const auto opened = Database::Open("postgresql://fr:s3cret@127.0.0.1:1/fr?connect_timeout=2", 1);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(opened.error().detail.find("postgresql://fr:***@127.0.0.1:1/fr"), std::string::npos)
      << opened.error().detail;
  EXPECT_EQ(opened.error().detail.find("s3cret"), std::string::npos) << opened.error().detail;
}

}  // namespace
}  // namespace fr
