// The row reader against a real SQLite database: nullable columns, several rows, parameters,
// and a statement kept prepared across leases.
#include "adapters/storage/row_reader.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "adapters/storage/database.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE readings (id INTEGER PRIMARY KEY, label TEXT NOT NULL, note TEXT,"
    " level BIGINT, ratio REAL)";
constexpr const char* kInsert =
    "INSERT INTO readings (id, label, note, level, ratio) VALUES (:id, :label, :note, :level,"
    " :ratio)";
constexpr const char* kSelectAll = "SELECT id, label, note, level, ratio FROM readings ORDER BY id";
constexpr const char* kSelectById =
    "SELECT id, label, note, level, ratio FROM readings WHERE id = :id";
constexpr const char* kSelectAbove =
    "SELECT id, label, note, level, ratio FROM readings WHERE id > :id ORDER BY id";

struct Reading {
  long long id = 0;
  std::string label;
  std::optional<std::string> note;
  std::optional<long long> level;
  std::optional<double> ratio;

  bool operator==(const Reading&) const = default;
};

void PrintTo(const Reading& reading, std::ostream* out) {
  auto optional = [](const auto& value) {
    std::ostringstream text;
    if (value) {
      text << *value;
    } else {
      text << "NULL";
    }
    return text.str();
  };
  *out << "{" << reading.id << ", " << reading.label << ", " << optional(reading.note) << ", "
       << optional(reading.level) << ", " << optional(reading.ratio) << "}";
}

struct ReadingRow {
  long long id = 0;
  std::string label;
  Nullable<std::string> note;
  Nullable<long long> level;
  Nullable<double> ratio;

  auto Columns() { return std::tie(id, label, note, level, ratio); }
  Reading ToReading() const {
    return {id, label, note.ToOptional(), level.ToOptional(), ratio.ToOptional()};
  }
};

class RowReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::Open("sqlite:" + (dir_.path() / "rows.db").string(), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    database_ = std::move(opened).value();
    ASSERT_TRUE(
        database_->Run("create", [](soci::session& session) { session << kCreateTable; }).ok());
  }

  // Inserts through Nullable parameters: an empty optional is written as NULL.
  void Insert(const Reading& reading) {
    const auto inserted = database_->Run("insert", [&](soci::session& session) {
      long long id = reading.id;
      std::string label = reading.label;
      auto note = Nullable<std::string>::From(reading.note);
      auto level = Nullable<long long>::From(reading.level);
      auto ratio = Nullable<double>::From(reading.ratio);
      soci::statement statement = OneUseStatement(session, kInsert);
      BindParameters(statement, id, label, note, level, ratio);
      statement.define_and_bind();
      statement.execute(true);
    });
    ASSERT_TRUE(inserted.ok());
  }

  std::vector<Reading> All() {
    return database_
        ->Run("all",
              [](soci::session& session) {
                soci::statement statement = OneUseStatement(session, kSelectAll);
                return ReadRows<ReadingRow>(statement, &ReadingRow::ToReading);
              })
        .value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> database_;
};

TEST_F(RowReaderTest, NullColumnsReadAsEmptyOptionalsAndValuesAsValues) {
  // Set, null, set: the row is bound once and refilled by each fetch, so every column's
  // indicator must follow its own row.
  const std::vector<Reading> written = {
      {1, "set", "first", 1234567890123, 0.25},
      {2, "null", std::nullopt, std::nullopt, std::nullopt},
      {3, "set again", "third", 9, 1.5},
  };
  for (const Reading& reading : written) Insert(reading);
  EXPECT_EQ(All(), written);
}

TEST_F(RowReaderTest, SeveralRowsComeIntoAVectorInOrder) {
  for (long long id = 1; id <= 5; ++id) {
    Insert({id, "reading " + std::to_string(id), std::nullopt, id * 10, std::nullopt});
  }
  const auto above_two = database_->Run("above", [](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectAbove);
    return ReadRows<ReadingRow>(statement, &ReadingRow::ToReading, 2);
  });
  ASSERT_TRUE(above_two.ok());
  ASSERT_EQ(above_two->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const long long id = static_cast<long long>(i) + 3;
    EXPECT_EQ((*above_two)[i].id, id);
    EXPECT_EQ((*above_two)[i].label, "reading " + std::to_string(id));
    EXPECT_EQ((*above_two)[i].level, id * 10);
  }
}

TEST_F(RowReaderTest, NoRowsGiveAnEmptyVectorAndNoFirstRow) {
  EXPECT_TRUE(All().empty());
  const auto first = database_->Run("first", [](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectById);
    return ReadFirstRow<ReadingRow>(statement, &ReadingRow::ToReading, 1);
  });
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, std::nullopt);
}

TEST_F(RowReaderTest, SingleValuesAndTuplesAreRows) {
  Insert({1, "one", std::nullopt, 10, std::nullopt});
  Insert({2, "two", "note", 20, std::nullopt});
  const auto read = database_->Run("values", [](soci::session& session) {
    soci::statement labels = OneUseStatement(session, "SELECT label FROM readings ORDER BY id");
    auto label_list = ReadRows<std::string>(labels, std::identity());
    soci::statement pairs = OneUseStatement(session, "SELECT id, level FROM readings ORDER BY id");
    auto pair_list = ReadRows<std::tuple<long long, long long>>(pairs, std::identity());
    return std::make_pair(label_list, pair_list);
  });
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->first, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(read->second, (std::vector<std::tuple<long long, long long>>{{1, 10}, {2, 20}}));
}

TEST_F(RowReaderTest, ReadValueIsEmptyForNullAndForNoRow) {
  Insert({1, "one", std::nullopt, std::nullopt, std::nullopt});
  Insert({2, "two", std::nullopt, 20, std::nullopt});
  const auto read = database_->Run("value", [](soci::session& session) {
    const auto count = ReadValue<long long>(session, "SELECT COUNT(*) FROM readings");
    const auto null_level =
        ReadValue<long long>(session, "SELECT level FROM readings WHERE id = :id", 1);
    const auto level =
        ReadValue<long long>(session, "SELECT level FROM readings WHERE id = :id", 2);
    const auto missing =
        ReadValue<long long>(session, "SELECT level FROM readings WHERE id = :id", 3);
    return std::make_tuple(count, null_level, level, missing);
  });
  ASSERT_TRUE(read.ok());
  const auto& [count, null_level, level, missing] = *read;
  EXPECT_EQ(count, 2);
  EXPECT_EQ(null_level, std::nullopt);
  EXPECT_EQ(level, 20);
  EXPECT_EQ(missing, std::nullopt);
}

TEST_F(RowReaderTest, APreparedStatementIsReboundForEachUse) {
  // The hot paths read through statements kept prepared per session: each use binds its own
  // parameters and row, and sees rows written since the previous use.
  Insert({1, "one", "first", std::nullopt, std::nullopt});
  Insert({2, "two", std::nullopt, 2, std::nullopt});
  auto find = [&](long long id) {
    return database_
        ->Run("find",
              [&](soci::session& session) {
                PreparedStatement statement(*database_, session, kSelectById);
                return ReadFirstRow<ReadingRow>(*statement, &ReadingRow::ToReading, id);
              })
        .value();
  };
  for (int round = 0; round < 3; ++round) {
    const auto one = find(1);
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(one->note, "first");
    EXPECT_EQ(one->level, std::nullopt);
    const auto two = find(2);
    ASSERT_TRUE(two.has_value());
    EXPECT_EQ(two->note, std::nullopt);
    EXPECT_EQ(two->level, 2);
    EXPECT_EQ(find(3 + round), std::nullopt);
  }
  Insert({6, "six", "late", 6, 6.5});
  const auto six = find(6);
  ASSERT_TRUE(six.has_value());
  EXPECT_EQ(six->label, "six");
  EXPECT_EQ(six->ratio, 6.5);
}

TEST_F(RowReaderTest, NullableIdsAndConversionsMapNoneToNull) {
  EXPECT_TRUE(NullableId(UserId{}).is_null());
  EXPECT_EQ(NullableId(UserId(7)).ToOptional(), 7);
  EXPECT_TRUE(NullableId(std::optional<UserId>()).is_null());
  EXPECT_EQ(NullableId(std::optional<UserId>(UserId(9))).ToOptional(), 9);
  const auto doubled =
      Nullable<long long>::From(std::optional<int>(21), [](int v) { return 2 * v; });
  EXPECT_EQ(doubled.ToOptional(), 42);
  EXPECT_EQ(doubled.ToOptional([](long long v) { return std::to_string(v); }), "42");
  EXPECT_EQ(Nullable<long long>().ToOptional([](long long v) { return v + 1; }), std::nullopt);
}

}  // namespace
}  // namespace fr
