#include "common/ip_block.hpp"

#include <gtest/gtest.h>

namespace fr {
namespace {

TEST(ParseIpAddress, ReadsLiteralsOfBothFamiliesAndNothingElse) {
  const auto v4 = ParseIpAddress("192.0.2.1");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->v4);
  const std::array<std::uint8_t, 16> mapped = {0, 0, 0,    0,    0,   0, 0, 0,
                                               0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(v4->bytes, mapped);
  const auto v6 = ParseIpAddress("2001:DB8::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_FALSE(v6->v4);
  EXPECT_EQ(v6->bytes[0], 0x20);
  EXPECT_EQ(v6->bytes[15], 1);
  EXPECT_EQ(ParseIpAddress("::ffff:192.0.2.1")->bytes, mapped);
  for (const char* bad : {"", "host.example", "192.0.2", "192.0.2.256", "[::1]", "192.0.2.1:80",
                          "1.2.3.4 ", "::1%eth0", "2001:db8::1::2"}) {
    EXPECT_FALSE(ParseIpAddress(bad).has_value()) << bad;
  }
}

// Table-driven: block, address, contained.
TEST(IpBlock, ContainsTheAddressesOfItsPrefix) {
  const struct {
    const char* block;
    const char* address;
    bool contained;
  } cases[] = {
      {"192.0.2.0/24", "192.0.2.200", true},
      {"192.0.2.0/24", "192.0.3.1", false},
      {"192.0.2.0/24", "::ffff:192.0.2.7", true},  // IPv4-mapped IPv6 matches the IPv4 block
      {"192.0.2.128/25", "192.0.2.127", false},
      {"192.0.2.128/25", "192.0.2.129", true},
      {"10.1.2.3", "10.1.2.3", true},  // one address: all its bits
      {"10.1.2.3", "10.1.2.4", false},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "2001:db8::1", false},  // an IPv4 block holds no other IPv6 address
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"::/0", "192.0.2.1", true},
      {"::1", "::1", true},
      {"2001:db8::/33", "2001:db8:8000::1", false},
  };
  for (const auto& each : cases) {
    const auto block = IpBlock::Parse(each.block);
    ASSERT_TRUE(block.ok()) << each.block;
    const auto address = ParseIpAddress(each.address);
    ASSERT_TRUE(address.has_value()) << each.address;
    EXPECT_EQ(block->Contains(*address), each.contained) << each.block << " " << each.address;
  }
}

TEST(IpBlock, BadBlocksAreRefusedByName) {
  for (const std::string bad : {"10.0.0.0/33", "proxy.example", "10.0.0.0/", "::1/129", "[::1]",
                                "10.0.0.0/-1", "10.0.0.0/1234", "10.0.0.0/2a", ""}) {
    const auto parsed = IpBlock::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().detail, "'" + bad + "' is not an IP address or CIDR block");
  }
}

TEST(IpBlock, ParseAllNamesTheFirstBadEntryAndAnyContainsChecksEach) {
  const auto bad = IpBlock::ParseAll({"10.0.0.0/8", "nope", "alsonope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("'nope'"), std::string::npos);
  const auto blocks = IpBlock::ParseAll({"10.0.0.0/8", "2001:db8::/32"});
  ASSERT_TRUE(blocks.ok());
  EXPECT_TRUE(AnyContains(*blocks, *ParseIpAddress("10.9.9.9")));
  EXPECT_TRUE(AnyContains(*blocks, *ParseIpAddress("2001:db8::9")));
  EXPECT_FALSE(AnyContains(*blocks, *ParseIpAddress("192.0.2.1")));
  EXPECT_FALSE(AnyContains({}, *ParseIpAddress("10.0.0.1")));
}

}  // namespace
}  // namespace fr
