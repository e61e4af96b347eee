// The export runner's places (decision 0047): a bound for the process, and one export at a time
// per requester, so that one slow reader cannot hold every place.
#include "adapters/http/export_runner.hpp"

#include <gtest/gtest.h>

namespace fr::http {
namespace {

TEST(ExportRunner, ARequesterHoldsOnePlaceAndTheProcessItsBound) {
  ExportRunner runner({.max_running = 2, .max_running_per_requester = 1});
  auto ann = runner.Reserve("user 1");
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(runner.Reserve("user 1"), nullptr) << "Ann's first export is still running";
  auto token = runner.Reserve("token 7");
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(runner.Reserve("user 2"), nullptr) << "the process runs two already";
  ann.reset();  // Ann's export ended
  EXPECT_NE(runner.Reserve("user 2"), nullptr);
  EXPECT_NE(runner.Reserve("user 1"), nullptr);
}

}  // namespace
}  // namespace fr::http
