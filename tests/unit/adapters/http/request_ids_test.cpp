#include "adapters/http/request_ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fr::http {
namespace {

class CountingRandom final : public SecureRandom {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& byte : out) byte = static_cast<std::uint8_t>(0xa0 + next_++);
  }

 private:
  int next_ = 0;
};

TEST(RequestIds, ArePrefixAndCounterIn24HexDigits) {
  RequestIds ids("0123456789ab", 0);
  EXPECT_EQ(ids.Next(), "0123456789ab000000000000");
  EXPECT_EQ(ids.Next(), "0123456789ab000000000001");
  RequestIds later("0123456789ab", 0xfedcba987654);
  EXPECT_EQ(later.Next(), "0123456789abfedcba987654");
  EXPECT_EQ(later.Next(), "0123456789abfedcba987655");
}

TEST(RequestIds, KeepTheLow48BitsOfTheCounter) {
  RequestIds ids("000000000000", 0xffffffffffffULL);
  EXPECT_EQ(ids.Next(), "000000000000ffffffffffff");
  EXPECT_EQ(ids.Next(), "000000000000000000000000");
}

TEST(RequestIds, ThePrefixIsDrawnOncePerServer) {
  CountingRandom random;
  RequestIds first(random);
  RequestIds second(random);
  EXPECT_EQ(first.Next(), "a0a1a2a3a4a5000000000000");
  EXPECT_EQ(second.Next(), "a6a7a8a9aaab000000000000");
}

TEST(RequestIds, StayUniqueAcrossThreads) {
  RequestIds ids("5eed5eed5eed", 0);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, &mine = made[t]] {
      for (int i = 0; i < kPerThread; ++i) mine.push_back(ids.Next());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& mine : made) all.insert(mine.begin(), mine.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), "5eed5eed5eed000000000000");
  EXPECT_EQ(*all.rbegin(), "5eed5eed5eed00000001387f");  // 79999
}

}  // namespace
}  // namespace fr::http
