// The organisation export (ExportService) over a real SQLite file: it pages through the
// hotlines by key, so a hotline deleted while the export runs makes it skip no other one.
#include "app/export_service.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "main/services.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

// Keeps the ids of the hotlines written (as numbers: a failure prints them), and calls
// `on_hotline` after each; drops the rest.
class HotlineIdSink final : public ExportSink {
 public:
  void WriteOrganization(const Organization&) override {}
  void WriteHotline(const Hotline& hotline) override {
    written.push_back(hotline.id.value);
    if (on_hotline) on_hotline();
  }
  void WriteMember(const ExportedMember&) override {}
  void WriteCallLog(const CallLog&) override {}
  void WriteTelephoneRecord(const TelephoneRecord&) override {}
  void WriteVoicemail(const Voicemail&) override {}
  void WriteUser(const User&) override {}
  void WriteMembership(const MembershipView&) override {}
  void WriteAgentPhone(const AgentPhone&) override {}
  void WriteToken(const Token&) override {}
  void WriteAuditEntry(const AuditEntry&) override {}

  std::vector<std::int64_t> written;
  std::function<void()> on_hotline;
};

TEST(ExportServiceTest, AHotlineDeletedBetweenPagesMakesTheExportSkipNoOther) {
  testing::TempDir dir;
  auto opened = Services::Open("sqlite:" + (dir.path() / "export.db").string(), 2);
  ASSERT_TRUE(opened.ok()) << opened.error().detail;
  Services& services = **opened;
  const auto organization = services.administration.CreateOrganization("Relief");
  ASSERT_TRUE(organization.ok());
  const auto issued = services.administration.CreateOrganizationToken(organization->id, {});
  ASSERT_TRUE(issued.ok());
  const auto principal =
      services.authentication.Authenticate({CredentialSource::kApiTokenHeader, issued->secret});
  ASSERT_TRUE(principal.ok());

  // More hotlines than the export reads in one page (200).
  constexpr int kHotlines = 250;
  std::vector<std::string> numbers;
  for (int i = 0; i < kHotlines; ++i) numbers.push_back(std::to_string(4924155660000 + i));
  for (std::string& number : numbers) number = "00" + number;
  ASSERT_TRUE(services.numbers.Add(numbers, "DE", "Aachen").ok());
  std::vector<std::int64_t> created;
  for (int i = 0; i < kHotlines; ++i) {
    Hotline hotline;
    hotline.organization_id = organization->id;
    hotline.name = "Hotline " + std::to_string(i);
    const auto stored =
        services.hotlines.Create(hotline, {"DE", "Aachen"}, kHotlines, services.clock.Now());
    ASSERT_TRUE(stored.ok()) << stored.error().detail;
    created.push_back(stored->id.value);
  }

  // The last hotline of the first page written, another request deletes the first hotline.
  HotlineIdSink sink;
  sink.on_hotline = [&] {
    if (sink.written.size() != 200) return;
    ASSERT_TRUE(
        services.hotlines.Delete(HotlineId(created.front()), std::nullopt, services.clock.Now())
            .ok());
  };
  const Status exported = services.exports.ExportOrganization(*principal, organization->id, sink);
  ASSERT_TRUE(exported.ok()) << exported.error().detail;
  EXPECT_EQ(sink.written, created) << "every hotline once, in order; none skipped";
}

}  // namespace
}  // namespace fr
