#include "adapters/http/client_address.hpp"

#include <gtest/gtest.h>

namespace fr::http {
namespace {

TrustedProxies Proxies(const std::vector<std::string>& blocks) {
  auto parsed = TrustedProxies::Parse(blocks);
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? std::move(parsed).value() : TrustedProxies();
}

TEST(TrustedProxies, WithoutAnyTheHeaderIsIgnored) {
  const TrustedProxies none;
  EXPECT_EQ(none.ClientAddress("192.0.2.1", {"198.51.100.1"}), "192.0.2.1");
}

TEST(TrustedProxies, OnlyATrustedPeerIsBelieved) {
  const TrustedProxies proxies = Proxies({"10.0.0.0/24"});
  EXPECT_EQ(proxies.ClientAddress("192.0.2.1", {"198.51.100.1"}), "192.0.2.1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {}), "10.0.0.2");
  EXPECT_EQ(proxies.ClientAddress("::ffff:10.0.0.2", {" 198.51.100.1 "}), "198.51.100.1");
}

TEST(TrustedProxies, TheLastUntrustedHopIsTheClient) {
  const TrustedProxies proxies = Proxies({"10.0.0.0/24", "2001:db8::/32"});
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"203.0.113.5, 198.51.100.1, 10.0.0.7"}),
            "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"203.0.113.5", "198.51.100.1", "10.0.0.7"}),
            "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"[2001:db8::5], 2001:DB8::9"}), "2001:db8::5")
      << "every hop trusted: the leftmost, written canonically";
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"2002::1, 2001:db8::9"}), "2002::1");
}

TEST(TrustedProxies, AHopThatIsNoAddressStopsTheWalk) {
  const TrustedProxies proxies = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"198.51.100.1, unknown"}), "10.0.0.2");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"198.51.100.1, 10.1.1.1, "}), "10.0.0.2");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"unknown, 10.1.1.1"}), "10.1.1.1");
}

// Some load balancers write the client's port too; the address is what counts.
TEST(TrustedProxies, AHopWithAPortIsItsAddress) {
  const TrustedProxies proxies = Proxies({"10.0.0.0/8", "2001:db8::/32"});
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"198.51.100.1:5678"}), "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"[2002::1]:5678, 10.0.0.9:80"}), "2002::1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", {"198.51.100.1:port"}), "10.0.0.2")
      << "not an address with a port: the walk stops at the proxy";
}

TEST(TrustedProxies, BadBlocksAreRefusedByName) {
  for (const std::string bad : {"10.0.0.0/33", "proxy.example", "10.0.0.0/", "::1/129", "[::1]",
                                "10.0.0.0/-1", ""}) {
    const auto parsed = TrustedProxies::Parse({bad});
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().detail.find("--trusted-proxy"), std::string::npos);
  }
  EXPECT_TRUE(TrustedProxies::Parse({"::1", "127.0.0.1/32", "0.0.0.0/0"}).ok());
}

}  // namespace
}  // namespace fr::http
