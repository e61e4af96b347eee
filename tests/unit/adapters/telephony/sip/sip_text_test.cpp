#include "adapters/telephony/sip/sip_text.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace fr::sip {
namespace {

TEST(SipTextTest, AcceptsNumbersAsUsers) {
  EXPECT_TRUE(IsValidSipUser("+4924155660001"));
  EXPECT_TRUE(IsValidSipUser("004924155660001"));
  EXPECT_TRUE(IsValidSipUser("agent.2001"));
}

TEST(SipTextTest, RejectsUsersThatCouldBreakAUri) {
  for (const char* bad :
       {"", "a b", "2001@evil", "2001>", "20\r\n01", "a;b", "a?b", "%41", "a:b"}) {
    EXPECT_FALSE(IsValidSipUser(bad)) << bad;
  }
  EXPECT_FALSE(IsValidSipUser(std::string(129, '1')));
}

TEST(SipTextTest, QuotesDisplayNamesSafely) {
  EXPECT_EQ(QuoteDisplayName("Hotline Nord"), "\"Hotline Nord\"");
  EXPECT_EQ(QuoteDisplayName("Say \"hi\" \\o/"), "\"Say \\\"hi\\\" \\\\o/\"");
  EXPECT_EQ(QuoteDisplayName("evil\r\nVia: x"), "\"evilVia: x\"");
  EXPECT_EQ(QuoteDisplayName("Krisentelefon Köln"), "\"Krisentelefon Köln\"");
}

TEST(SipTextTest, ReasonPhrasesHaveNoLineBreaks) {
  EXPECT_EQ(SafeReasonPhrase("Busy Here", "x"), "Busy Here");
  EXPECT_EQ(SafeReasonPhrase("Busy\r\nX: y", "x"), "BusyX: y");
  EXPECT_EQ(SafeReasonPhrase("  ", "Rejected"), "Rejected");
}

TEST(SipTextTest, ReadsTheUserOfAnAddress) {
  const std::pair<const char*, const char*> cases[] = {
      {"<sip:+4930123@carrier.example;user=phone>", "+4930123"},
      {"\"Line <1>\" <sip:004930123@carrier.example>", "004930123"},
      {"sip:4930123@192.0.2.1:5060", "4930123"},
      {"<sips:+4930123@carrier.example>", "+4930123"},
      {"<tel:+4930123;phone-context=example>", "+4930123"},
      {"  TEL:+4930123", "+4930123"},
      {"<sip:carrier.example>", ""},
      {"<mailto:a@b>", ""},
      {"<sip:+4930123@x", ""},
      {"\"unterminated <sip:1@x>", ""},
      {"\"a \\\" <b>\" <sip:+4930123@x>", "+4930123"},
      {"", ""},
  };
  for (const auto& [address, user] : cases) EXPECT_EQ(UserOfAddress(address), user) << address;
}

TEST(SipTextTest, BracketsIpv6Hosts) {
  EXPECT_EQ(UriHost("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(UriHost("::1"), "[::1]");
  EXPECT_EQ(UriHost("[::1]"), "[::1]");
  EXPECT_EQ(UriHost("trunk.example"), "trunk.example");
  EXPECT_EQ(UriHost(""), "");
}

TEST(SipTextTest, ReadsTheKeyOfAnInfoBody) {
  EXPECT_EQ(DtmfKeyOfInfo("application/dtmf-relay", "Signal=1\r\nDuration=160\r\n"), '1');
  EXPECT_EQ(DtmfKeyOfInfo("Application/DTMF-Relay", "Duration=160\nsignal = #\n"), '#');
  EXPECT_EQ(DtmfKeyOfInfo("application/dtmf-relay; charset=utf-8", "Signal=10"), '*');
  EXPECT_EQ(DtmfKeyOfInfo("application/dtmf", "5\r\n"), '5');
  EXPECT_EQ(DtmfKeyOfInfo("application/dtmf", "d"), 'D');
  for (const auto& [type, body] :
       std::vector<std::pair<const char*, const char*>>{{"application/dtmf-relay", "Signal=12"},
                                                        {"application/dtmf-relay", "Duration=160"},
                                                        {"application/dtmf-relay", ""},
                                                        {"application/dtmf", "x"},
                                                        {"application/dtmf", ""},
                                                        {"text/plain", "1"},
                                                        {"application/sdp", "Signal=1"}}) {
    EXPECT_FALSE(DtmfKeyOfInfo(type, body).has_value()) << type << " " << body;
  }
}

}  // namespace
}  // namespace fr::sip
