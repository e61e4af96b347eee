// DerivedMemo: a value derived once per source object, never served for another object.
#include "common/derived_memo.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace fr {
namespace {

TEST(DerivedMemoTest, TheSameObjectGetsItsValueAgainAnotherObjectIsDerivedAfresh) {
  DerivedMemo<std::string, std::string> memo(4);
  int derivations = 0;
  const auto shout = [&](const std::string& text) {
    ++derivations;
    return text + "!";
  };
  const auto first = std::make_shared<const std::string>("a");
  const auto held = memo.Get(first, shout);
  EXPECT_EQ(*held, "a!");
  EXPECT_EQ(memo.Get(first, shout), held) << "the same text, not derived again";
  EXPECT_EQ(derivations, 1);

  const auto equal_but_another = std::make_shared<const std::string>("a");
  EXPECT_EQ(*memo.Get(equal_but_another, shout), "a!");
  EXPECT_EQ(derivations, 2) << "keyed by the object, not by its value";
}

TEST(DerivedMemoTest, AFullMemoStartsOverAndStillAnswersRight) {
  DerivedMemo<int, int> memo(2);
  int derivations = 0;
  const auto twice = [&](int value) {
    ++derivations;
    return 2 * value;
  };
  const auto one = std::make_shared<const int>(1);
  const auto two = std::make_shared<const int>(2);
  const auto three = std::make_shared<const int>(3);
  EXPECT_EQ(*memo.Get(one, twice), 2);
  EXPECT_EQ(*memo.Get(two, twice), 4);
  EXPECT_EQ(*memo.Get(three, twice), 6);
  EXPECT_EQ(*memo.Get(one, twice), 2);
  EXPECT_EQ(derivations, 4) << "the third object started the memo over";
}

}  // namespace
}  // namespace fr
