// Which addresses webhooks may reach, row by row, and the URL guard on names and literals
// (resolution of `localhost` from /etc/hosts; no traffic leaves the machine).
#include "adapters/webhook/address_policy.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "adapters/webhook/curl_webhook_sender.hpp"

namespace fr::webhook {
namespace {

std::optional<std::string> KindOf(const std::string& text) {
  sockaddr_in6 v6{};
  sockaddr_in v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return ForbiddenAddressKind(reinterpret_cast<const sockaddr*>(&v4));
  }
  EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr), 1) << text;
  v6.sin6_family = AF_INET6;
  return ForbiddenAddressKind(reinterpret_cast<const sockaddr*>(&v6));
}

TEST(ForbiddenAddressKind, TableOfAddresses) {
  const std::pair<const char*, const char*> rows[] = {
      {"127.0.0.1", "loopback"},
      {"127.255.0.9", "loopback"},
      {"10.0.0.1", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},
      {"169.254.169.254", "link-local"},
      {"100.64.0.1", "shared"},
      {"0.0.0.0", "unspecified"},
      {"224.0.0.1", "multicast"},
      {"240.0.0.1", "reserved"},
      {"255.255.255.255", "reserved"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fe80::1", "link-local"},
      {"fc00::1", "private"},
      {"fd00:ec2::254", "private"},
      {"ff02::1", "multicast"},
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:169.254.169.254", "link-local"},
      {"64:ff9b::a00:1", "private"},
      {"2002:7f00:1::", "loopback"},
      {"::10.0.0.1", "private"},
  };
  for (const auto& [address, kind] : rows) EXPECT_EQ(KindOf(address), kind) << address;
  for (const char* allowed : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                              "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8"}) {
    EXPECT_EQ(KindOf(allowed), std::nullopt) << allowed;
  }
}

std::string RefusalOf(const CurlUrlGuard& guard, const std::string& url) {
  const Status checked = guard.Check(url);
  if (checked.ok()) return "";
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(checked.error().field_errors.at(0).field, "url");
  return checked.error().field_errors.at(0).message;
}

TEST(CurlUrlGuard, RefusesInternalAddressesUnlessAllowed) {
  const CurlUrlGuard guard(NetworkPolicy{});
  for (const char* url :
       {"https://127.0.0.1/hook", "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data", "https://[::1]:8443/hook",
        "https://localhost/hook", "https://LOCALHOST./hook", "https://[::ffff:10.0.0.1]/"}) {
    EXPECT_NE(RefusalOf(guard, url), "") << url;
  }
  EXPECT_NE(RefusalOf(guard, "https://localhost/").find("resolves to"), std::string::npos);
  EXPECT_NE(RefusalOf(guard, "https://10.0.0.1/").find("10.0.0.1, a private address"),
            std::string::npos);
  EXPECT_NE(RefusalOf(guard, "https://169.254.169.254/").find("link-local"), std::string::npos);
  EXPECT_EQ(RefusalOf(guard, "https://8.8.8.8/hook"), "");
  const CurlUrlGuard tests_guard(NetworkPolicy{{"127.0.0.1"}, true});
  EXPECT_EQ(RefusalOf(tests_guard, "http://127.0.0.1:8080/hook"), "");
  EXPECT_EQ(RefusalOf(tests_guard, "https://[::1]/hook"), "");
}

TEST(CurlUrlGuard, HttpsOnlyUnlessTheHostIsAllowedHttpAndNoCredentials) {
  const CurlUrlGuard guard(NetworkPolicy{{"Receiver.Example"}, false});
  EXPECT_EQ(RefusalOf(guard, "http://8.8.8.8/hook"),
            "must be https (http only to hosts in --webhook-allow-http)");
  EXPECT_EQ(RefusalOf(guard, "ftp://8.8.8.8/hook"), "must be https");
  EXPECT_EQ(RefusalOf(guard, "not a url"), "is not a valid URL");
  EXPECT_NE(RefusalOf(guard, "https://user:pw@8.8.8.8/hook").find("credentials"),
            std::string::npos);
  // Allowed for http, so the next check is the address: .example names do not resolve.
  EXPECT_NE(RefusalOf(guard, "http://receiver.example/hook").find("does not resolve"),
            std::string::npos);
}

}  // namespace
}  // namespace fr::webhook
