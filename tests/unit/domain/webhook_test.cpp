#include "domain/webhook/webhook.hpp"

#include <gtest/gtest.h>

namespace fr {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Timestamp kStart = FromEpochMillis(1'800'000'000'000);

TEST(NextDeliveryAttempt, DoublesFromTheBaseUpToTheCapWithJitterOfAtMostHalf) {
  const DeliveryPolicy policy;  // 30 s base, 1 h cap, 24 h in all
  struct Row {
    int attempts;
    double jitter;
    milliseconds wait;
  } rows[] = {
      {1, 0.0, seconds(15)},  {1, 0.999999, seconds(30)},
      {2, 0.0, seconds(30)},  {3, 1.0, seconds(120)},
      {7, 0.0, seconds(960)}, {8, 1.0, hours(1)},
      {9, 1.0, hours(1)},     {60, 0.5, milliseconds(2'700'000)},
  };
  for (const Row& row : rows) {
    const auto next = NextDeliveryAttempt(policy, row.attempts, kStart, kStart, row.jitter);
    ASSERT_TRUE(next.has_value()) << row.attempts;
    EXPECT_EQ(*next - kStart, row.wait) << "attempt " << row.attempts << " jitter " << row.jitter;
  }
}

TEST(NextDeliveryAttempt, GivesUpWhenTheNextTryWouldBeMoreThanADayAfterTheDeliveryBegan) {
  const DeliveryPolicy policy;
  const Timestamp late = kStart + hours(23) + std::chrono::minutes(30);
  EXPECT_TRUE(NextDeliveryAttempt(policy, 9, kStart, late, 0.0).has_value()) << "30 min wait fits";
  EXPECT_FALSE(NextDeliveryAttempt(policy, 9, kStart, late, 1.0).has_value()) << "1 h does not";
  EXPECT_FALSE(NextDeliveryAttempt(policy, 1, kStart, kStart + hours(24), 0.0).has_value());
}

TEST(NextDeliveryAttempt, AShortBaseForTestsStillDoubles) {
  DeliveryPolicy policy;
  policy.retry_base = milliseconds(100);
  EXPECT_EQ(*NextDeliveryAttempt(policy, 1, kStart, kStart, 1.0) - kStart, milliseconds(100));
  EXPECT_EQ(*NextDeliveryAttempt(policy, 4, kStart, kStart, 1.0) - kStart, milliseconds(800));
}

TEST(ShouldDisableWebhook, AfterThreeDaysOfFailures) {
  const DeliveryPolicy policy;
  EXPECT_FALSE(ShouldDisableWebhook(policy, kStart, kStart + hours(71)));
  EXPECT_TRUE(ShouldDisableWebhook(policy, kStart, kStart + hours(72)));
}

TEST(ValidateWebhook, KnownEventTypesOnceEachInCanonicalOrder) {
  WebhookDraft draft;
  draft.url = " https://example.org/hook ";
  draft.event_types = {"call.ended", "agent_phone.changed", "call.started"};
  const auto webhook = ValidateWebhook(draft);
  ASSERT_TRUE(webhook.ok());
  EXPECT_EQ(webhook->url, "https://example.org/hook");
  EXPECT_EQ(webhook->event_types, (std::vector<WebhookEventType>{
                                      WebhookEventType::kCallStarted, WebhookEventType::kCallEnded,
                                      WebhookEventType::kAgentPhoneChanged}));
}

TEST(ValidateWebhook, ReportsEveryBadField) {
  WebhookDraft draft;
  draft.url = "";
  draft.event_types = {"call.started", "call.started", "voicemail.deleted"};
  const auto webhook = ValidateWebhook(draft);
  ASSERT_FALSE(webhook.ok());
  const auto& errors = webhook.error().field_errors;
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "url");
  EXPECT_EQ(errors[1].message, "'call.started' is listed twice");
  EXPECT_EQ(errors[2].message, "'voicemail.deleted' is not an event type");
  draft.url = "https://example.org";
  draft.event_types.clear();
  EXPECT_EQ(ValidateWebhook(draft).error().field_errors.at(0).message,
            "must name at least one event");
  draft.url = "https://example.org/" + std::string(kMaxWebhookUrlLength, 'a');
  draft.event_types = {"call.started"};
  EXPECT_EQ(ValidateWebhook(draft).error().field_errors.at(0).field, "url");
}

}  // namespace
}  // namespace fr
