// The delivery worker's rules with fakes: what a success, a failure, a failure streak of three
// days and a secret that does not open lead to.
#include "app/webhook_dispatcher.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"

namespace fr {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// Hands out `due` once, and keeps what was recorded. Only the dispatcher's methods work.
class FakeDeliveryStore final : public WebhookRepository {
 public:
  std::vector<DueDelivery> due;
  std::vector<std::pair<DeliveryAttempt, std::optional<AfterFailure>>> recorded;
  std::optional<Timestamp> lease_asked;

  Result<std::vector<DueDelivery>> ClaimDue(Timestamp, Timestamp lease_until,
                                            std::int64_t) override {
    lease_asked = lease_until;
    return std::exchange(due, {});
  }
  Status RecordSuccess(const DueDelivery&, const DeliveryAttempt& attempt) override {
    recorded.emplace_back(attempt, std::nullopt);
    return Ok();
  }
  Status RecordFailure(const DueDelivery&, const DeliveryAttempt& attempt,
                       const AfterFailure& next) override {
    recorded.emplace_back(attempt, next);
    return Ok();
  }

  Result<Webhook> Create(const Webhook&, const std::string&, Timestamp) override { return No(); }
  Result<std::optional<Webhook>> Find(WebhookId) override { return No(); }
  Result<WebhookPage> ListByOrganization(OrganizationId, std::int64_t, std::int64_t) override {
    return No();
  }
  Result<Webhook> Update(const Webhook&, Timestamp) override { return No(); }
  Status Delete(WebhookId) override { return No(); }
  Status ReplaceSecret(WebhookId, const std::string&, Timestamp) override { return No(); }
  Result<WebhookDeliveryPage> ListDeliveries(WebhookId, std::int64_t, std::int64_t) override {
    return No();
  }
  Result<WebhookDelivery> Redeliver(WebhookId, WebhookDeliveryId, Timestamp) override {
    return No();
  }
  Result<std::int64_t> PurgeBefore(Timestamp) override { return No(); }

 private:
  static Error No() { return Error::Internal("not used by the dispatcher"); }
};

// Answers every send with `answer`, and remembers what it was given.
class FakeSender final : public WebhookSender {
 public:
  explicit FakeSender(const Clock& clock) : clock_(clock) {}
  std::optional<int> status = 204;
  std::vector<WebhookTarget> sent;
  DeliveryAttempt Send(const WebhookTarget& target, const WebhookEvent&,
                       WebhookDeliveryId) override {
    sent.push_back(target);
    DeliveryAttempt attempt{clock_.Now(), status, 5, ""};
    if (!status || *status >= 300) attempt.error = "the receiver answered 500";
    return attempt;
  }

 private:
  const Clock& clock_;
};

// "sealed:" + secret opens; anything else does not.
class FakeSealer final : public SecretSealer {
 public:
  Result<std::string> Seal(const std::string& secret) const override { return "sealed:" + secret; }
  Result<std::string> Open(const std::string& sealed) const override {
    if (!sealed.starts_with("sealed:")) return Error::FailedPrecondition("another key");
    return sealed.substr(7);
  }
};

class ZeroRandom final : public SecureRandom {
 public:
  void Fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), 0); }
};

class WebhookDispatcherTest : public ::testing::Test {
 protected:
  DueDelivery Due(std::string sealed = "sealed:whsec_x",
                  std::optional<Timestamp> failing_since = std::nullopt) {
    DueDelivery due;
    due.delivery.id = WebhookDeliveryId(7);
    due.delivery.created_at = clock_.Now();
    due.webhook.url = "https://receiver.example/hook";
    due.webhook.include_caller_number = true;
    due.sealed_secret = std::move(sealed);
    due.failing_since = failing_since;
    return due;
  }

  testing::FakeClock clock_;
  FakeDeliveryStore store_;
  FakeSender sender_{clock_};
  FakeSealer sealer_;
  ZeroRandom random_;
  WebhookDispatcher dispatcher_{store_, sender_,          sealer_,    random_,
                                clock_, DeliveryPolicy{}, seconds(30)};
};

TEST_F(WebhookDispatcherTest, ASuccessIsRecordedAndTheDeliveryWasSignedWithTheOpenedSecret) {
  store_.due = {Due()};
  ASSERT_EQ(*dispatcher_.DeliverDue(), 1);
  EXPECT_EQ(store_.lease_asked, clock_.Now() + seconds(30));
  ASSERT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(sender_.sent[0].secret, "whsec_x");
  EXPECT_TRUE(sender_.sent[0].include_caller_number);
  ASSERT_EQ(store_.recorded.size(), 1u);
  EXPECT_FALSE(store_.recorded[0].second.has_value()) << "a success";
}

TEST_F(WebhookDispatcherTest, AFailureIsRetriedAfterTheBackoff) {
  sender_.status = 500;
  store_.due = {Due()};
  ASSERT_EQ(*dispatcher_.DeliverDue(), 1);
  ASSERT_EQ(store_.recorded.size(), 1u);
  const auto& next = store_.recorded[0].second;
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->retry_at, clock_.Now() + seconds(15)) << "30 s base, jitter factor 0.5";
  EXPECT_FALSE(next->disable_reason.has_value());
}

TEST_F(WebhookDispatcherTest, ThreeDaysOfFailuresDisableTheWebhook) {
  sender_.status = std::nullopt;
  const Timestamp since = clock_.Now();
  clock_.Advance(hours(72));
  store_.due = {Due("sealed:whsec_x", since)};
  ASSERT_EQ(*dispatcher_.DeliverDue(), 1);
  const auto& next = store_.recorded.at(0).second;
  ASSERT_TRUE(next.has_value());
  EXPECT_FALSE(next->retry_at.has_value());
  ASSERT_TRUE(next->disable_reason.has_value());
  EXPECT_NE(next->disable_reason->find(FormatTimestamp(since)), std::string::npos);
}

TEST_F(WebhookDispatcherTest, ASecretThatDoesNotOpenIsNeverSentUnsigned) {
  store_.due = {Due("v1:from-another-key")};
  ASSERT_EQ(*dispatcher_.DeliverDue(), 1);
  EXPECT_TRUE(sender_.sent.empty());
  const auto& [attempt, next] = store_.recorded.at(0);
  EXPECT_NE(attempt.error.find("rotate the secret"), std::string::npos);
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(next->retry_at.has_value());
}

}  // namespace
}  // namespace fr
