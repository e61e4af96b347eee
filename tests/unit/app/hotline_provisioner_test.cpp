#include "app/hotline_provisioner.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/in_memory_hotline_repository.hpp"

namespace fr {
namespace {

class HotlineProvisionerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hotlines_.AddNumber("004924155660000", "DE", "Aachen");
    hotlines_.AddNumber("004924155660001", "DE", "Aachen");
  }
  Hotline Create(HotlineStatus status = HotlineStatus::kCreated) {
    Hotline hotline;
    hotline.organization_id = OrganizationId(1);
    hotline.name = "Notruf";
    hotline.status = status;
    hotline.is_active = status != HotlineStatus::kPaused;
    return *hotlines_.Create(hotline, {"DE", "Aachen"}, 10, clock_.Now());
  }
  HotlineStatus StatusOf(HotlineId id) { return (*hotlines_.Find(id))->status; }

  testing::FakeClock clock_;
  testing::InMemoryHotlineRepository hotlines_;
  testing::FakeTelephonyProvider provider_;
  HotlineProvisioner provisioner_{hotlines_, provider_, clock_};
};

TEST_F(HotlineProvisionerTest, CreatedHotlineBecomesActiveAndRouted) {
  const Hotline hotline = Create();
  EXPECT_EQ(*provisioner_.ProvisionPending(), 1);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kActive);
  EXPECT_TRUE(provider_.IsRouted(hotline.number));
  EXPECT_EQ(*provisioner_.ProvisionPending(), 0);  // nothing left to do
}

TEST_F(HotlineProvisionerTest, PausedHotlinesAreLeftAlone) {
  const Hotline hotline = Create(HotlineStatus::kPaused);
  EXPECT_EQ(*provisioner_.ProvisionPending(), 0);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kPaused);
  EXPECT_FALSE(provider_.IsRouted(hotline.number));
}

TEST_F(HotlineProvisionerTest, TransientFailureIsRetriedNextRound) {
  const Hotline hotline = Create();
  provider_.FailWith(Error::Unavailable("carrier busy"));
  EXPECT_EQ(*provisioner_.ProvisionPending(), 0);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kProvisioning);
  EXPECT_EQ(*provisioner_.ProvisionPending(), 1);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kActive);
}

TEST_F(HotlineProvisionerTest, PermanentFailureIsReportedInStatusDetail) {
  const Hotline hotline = Create();
  provider_.FailWith(Error::FailedPrecondition("number blocked by the carrier"));
  EXPECT_EQ(*provisioner_.ProvisionPending(), 1);
  const auto failed = **hotlines_.Find(hotline.id);
  EXPECT_EQ(failed.status, HotlineStatus::kFailed);
  EXPECT_EQ(failed.status_detail, "number blocked by the carrier");
  EXPECT_EQ(*provisioner_.ProvisionPending(), 0);  // failed is final until the admin retries
}

TEST_F(HotlineProvisionerTest, MinimumProvisioningTimeIsHonoured) {
  HotlineProvisioner slow(hotlines_, provider_, clock_, std::chrono::seconds(30));
  const Hotline hotline = Create();
  EXPECT_EQ(*slow.ProvisionPending(), 0);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kProvisioning);
  clock_.Advance(std::chrono::seconds(29));
  EXPECT_EQ(*slow.ProvisionPending(), 0);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(*slow.ProvisionPending(), 1);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kActive);
}

TEST_F(HotlineProvisionerTest, ResumesAHotlineLeftInProvisioning) {
  const Hotline hotline = Create();
  ASSERT_TRUE(*hotlines_.TransitionStatus(hotline.id, HotlineStatus::kCreated,
                                          HotlineStatus::kProvisioning, "", clock_.Now()));
  // A new provisioner, as after a restart.
  HotlineProvisioner restarted(hotlines_, provider_, clock_);
  EXPECT_EQ(*restarted.ProvisionPending(), 1);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kActive);
}

// Every node runs a provisioner on one database (decision 0039): a job in progress on one node
// is not done again by another, until the first stops renewing its hold.
TEST_F(HotlineProvisionerTest, ANodeDoesNotTakeAnotherNodesJobUntilItsHoldEnds) {
  const Hotline hotline = Create();
  HotlineProvisioner a(hotlines_, provider_, clock_, std::chrono::seconds(30), "a",
                       std::chrono::minutes(1));
  HotlineProvisioner b(hotlines_, provider_, clock_, std::chrono::seconds(30), "b",
                       std::chrono::minutes(1));
  EXPECT_EQ(*a.ProvisionPending(), 0);  // claimed, provisioning for at least 30 s
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_EQ(*b.ProvisionPending(), 0) << "a holds the job";
  EXPECT_FALSE(provider_.IsRouted(hotline.number));
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kProvisioning);
  // a dies; its hold (a minute from its round) ends and b takes the job over.
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(*b.ProvisionPending(), 1);
  EXPECT_EQ(StatusOf(hotline.id), HotlineStatus::kActive);
  EXPECT_TRUE(provider_.IsRouted(hotline.number));
}

}  // namespace
}  // namespace fr
