// The webhook store on SQLite and PostgreSQL: the outbox the other repositories write in their
// transactions, the order and claims of deliveries, retries, disabling, redelivery and purge.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <type_traits>

#include "adapters/storage/soci_agent_phone_repository.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "adapters/storage/soci_webhook_repository.hpp"
#include "adapters/storage/webhook_outbox.hpp"
#include "contract/storage_backends.hpp"

namespace fr {
namespace {

Timestamp At(std::int64_t seconds) { return FromEpochMillis(1'800'000'000'000 + seconds * 1000); }

template <typename Storage>
class WebhookStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SociOrganizationRepository organizations(*database_);
    org_ = organizations.Create("Org", {})->id;
    other_org_ = organizations.Create("Other", {})->id;
    agent_ = SociUserRepository(*database_).Create("Ann", {})->id;
    ASSERT_TRUE(organizations.AddMember({org_, agent_, Role::kMember, false, {}}).ok());
    ASSERT_TRUE(organizations.AddMember({other_org_, agent_, Role::kMember, false, {}}).ok());
    ASSERT_TRUE(SociNumberInventory(*database_)
                    .Add({"004924155660000", "004924155660001"}, "DE", "Aachen")
                    .ok());
    Hotline draft;
    draft.organization_id = org_;
    draft.name = "Notruf";
    hotline_ = hotlines_.Create(draft, {"DE", "Aachen"}, 10, At(0))->id;
  }

  WebhookId Subscribe(OrganizationId organization, std::vector<WebhookEventType> types,
                      bool include_caller = false) {
    Webhook webhook;
    webhook.organization_id = organization;
    webhook.url = "https://receiver.example/hook";
    webhook.event_types = std::move(types);
    webhook.include_caller_number = include_caller;
    auto created = webhooks_.Create(webhook, "v1:sealed", At(1));
    EXPECT_TRUE(created.ok()) << created.error().detail;
    return created->id;
  }

  std::vector<DueDelivery> Claim(std::int64_t second) {
    auto due = webhooks_.ClaimDue(At(second), At(second + 30), 20);
    EXPECT_TRUE(due.ok()) << due.error().detail;
    return due.ok() ? *due : std::vector<DueDelivery>{};
  }

  void Succeed(const DueDelivery& due, std::int64_t second) {
    ASSERT_TRUE(webhooks_.RecordSuccess(due, {At(second), 204, 3, ""}).ok());
  }

  // Waits until every stored event of `organization` can be read. On PostgreSQL the event
  // stream reads only events older than every running transaction of the cluster (decision
  // 0063), and the other tests' databases share the test cluster.
  void WaitUntilEventsSettle(OrganizationId organization) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    for (;;) {
      const auto stored = database_->Run("count events", [&](soci::session& session) {
        long long count = 0, org = organization.value;
        session << "SELECT COUNT(*) FROM webhook_events WHERE organization_id = :org",
            soci::into(count), soci::use(org);
        return count;
      });
      const auto readable = webhooks_.EventsAfter(organization, WebhookEventId(), 1000);
      ASSERT_TRUE(stored.ok() && readable.ok());
      if (static_cast<long long>(readable->size()) == *stored) return;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "events never settled";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  Storage storage_;
  std::unique_ptr<Database> database_ = testing::OpenDatabase(storage_);
  SociHotlineRepository hotlines_{*database_};
  SociWebhookRepository webhooks_{*database_};
  OrganizationId org_, other_org_;
  UserId agent_;
  HotlineId hotline_;
};

using Storages = ::testing::Types<testing::SqliteStorage, testing::PostgresqlStorage>;
TYPED_TEST_SUITE(WebhookStoreTest, Storages, testing::BackendNames);

TYPED_TEST(WebhookStoreTest, AnEventIsDeliveredOnlyToAnActiveWebhookThatWantsIt) {
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kCreated,
                                    HotlineStatus::kProvisioning, "", At(2))
                  .ok());
  EXPECT_TRUE(this->Claim(3).empty()) << "no webhook yet";
  this->Subscribe(this->org_, {WebhookEventType::kCallStarted});
  this->Subscribe(this->other_org_, {WebhookEventType::kHotlineStatusChanged});
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kProvisioning,
                                    HotlineStatus::kActive, "", At(4))
                  .ok());
  EXPECT_TRUE(this->Claim(5).empty()) << "the org's webhook wants other events; the other org's "
                                         "is not the hotline's";
  const WebhookId wanted = this->Subscribe(this->org_, {WebhookEventType::kHotlineStatusChanged});
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kActive, HotlineStatus::kFailed,
                                    "carrier said no", At(6))
                  .ok());
  const auto due = this->Claim(7);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].webhook.id, wanted);
  EXPECT_EQ(due[0].sealed_secret, "v1:sealed");
  const WebhookEvent& event = due[0].event;
  EXPECT_EQ(event.type, WebhookEventType::kHotlineStatusChanged);
  EXPECT_EQ(event.organization_id, this->org_);
  EXPECT_EQ(event.hotline, this->hotline_);
  EXPECT_EQ(event.status, "failed");
  EXPECT_EQ(event.detail, "carrier said no");
  EXPECT_EQ(event.occurred_at, At(6));
}

// The dispatcher asks every second: asking while nothing is due must not take SQLite's write
// gate, where it would hold up every writer of the process (decision 0098).
TYPED_TEST(WebhookStoreTest, AskingWhatIsDueWritesOnlyWhenSomethingIs) {
  if (this->database_->dialect() != Dialect::kSqlite) {
    GTEST_SKIP() << "counts the writes through SQLite's write gate";
  }
  this->Subscribe(this->org_, {WebhookEventType::kHotlineStatusChanged});
  const auto writes = [&] { return this->database_->write_group_counts().members; };
  const auto before = writes();
  EXPECT_TRUE(this->Claim(3).empty());
  EXPECT_TRUE(this->Claim(4).empty());
  EXPECT_EQ(writes(), before) << "nothing was due, yet the claim wrote";
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kCreated,
                                    HotlineStatus::kProvisioning, "", At(5))
                  .ok());
  const auto with_event = writes();
  EXPECT_EQ(this->Claim(6).size(), 1u);
  EXPECT_EQ(writes(), with_event + 1) << "one claim, one write";
  EXPECT_TRUE(this->Claim(7).empty()) << "claimed for 30 s";
}

TYPED_TEST(WebhookStoreTest, CallEventsComeFromTheCallWriterOneAtATimeInOrder) {
  this->Subscribe(this->org_, {WebhookEventType::kCallStarted, WebhookEventType::kCallAnswered,
                               WebhookEventType::kCallEnded});
  SociCallLogRepository calls(*this->database_);
  const CallHandle call{1};
  const AnsweredBy ann{this->agent_, AgentPhoneId(9)};
  std::vector<CallEvent> events = {
      CallOpened{call, this->hotline_, "004924112345", At(10)},
      CallEntryAdded{call, {At(12), CallEntryType::kAgentDialed, ann.user, ann.agent_phone, {}}},
      CallEntryAdded{call, {At(15), CallEntryType::kBridged, ann.user, ann.agent_phone, {}}},
      CallClosed{call, CallOutcome::kAnswered, ann, FromEpochMillis(ToEpochMillis(At(70)) + 1)}};
  ASSERT_TRUE(calls.Write(events).ok());

  auto due = this->Claim(80);
  ASSERT_EQ(due.size(), 1u) << "only the oldest of a webhook's events is due";
  EXPECT_EQ(due[0].event.type, WebhookEventType::kCallStarted);
  EXPECT_EQ(due[0].event.caller, "004924112345");
  EXPECT_EQ(due[0].event.hotline, this->hotline_);
  ASSERT_TRUE(due[0].event.call_log.has_value());
  EXPECT_TRUE(this->Claim(80).empty()) << "claimed until the lease ends";
  this->Succeed(due[0], 81);

  due = this->Claim(82);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].event.type, WebhookEventType::kCallAnswered);
  ASSERT_TRUE(due[0].event.answered_by.has_value());
  EXPECT_EQ(due[0].event.answered_by->agent_phone, AgentPhoneId(9));
  EXPECT_EQ(due[0].event.occurred_at, At(15));
  this->Succeed(due[0], 83);

  due = this->Claim(84);
  ASSERT_EQ(due.size(), 1u);
  const WebhookEvent& ended = due[0].event;
  EXPECT_EQ(ended.type, WebhookEventType::kCallEnded);
  EXPECT_EQ(ended.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(ended.duration_seconds, 61) << "60.001 s: a started second counts";
  EXPECT_EQ(ended.answered_by->user, this->agent_);
  EXPECT_EQ(ended.caller, "004924112345");
  this->Succeed(due[0], 85);
  EXPECT_TRUE(this->Claim(86).empty());
}

TYPED_TEST(WebhookStoreTest, AnAgentPhoneChangeGoesToEveryOrganizationOfItsOwner) {
  const WebhookId ours = this->Subscribe(this->org_, {WebhookEventType::kAgentPhoneChanged});
  const WebhookId theirs =
      this->Subscribe(this->other_org_, {WebhookEventType::kAgentPhoneChanged});
  SociAgentPhoneRepository phones(*this->database_);
  auto phone = phones.Create({AgentPhoneId{}, this->agent_, "Handy", "004915112345678", true});
  ASSERT_TRUE(phone.ok()) << phone.error().detail;
  const auto due = this->Claim(4'000'000'000LL);
  ASSERT_EQ(due.size(), 2u);
  std::set<std::int64_t> webhooks;
  for (const DueDelivery& each : due) {
    webhooks.insert(each.webhook.id.value);
    EXPECT_EQ(each.event.type, WebhookEventType::kAgentPhoneChanged);
    EXPECT_EQ(each.event.user, this->agent_);
    EXPECT_EQ(each.event.agent_phone, phone->id);
    EXPECT_EQ(each.event.change, "created");
    EXPECT_EQ(each.event.is_active, true);
    EXPECT_EQ(each.event.organization_id, each.webhook.id == ours ? this->org_ : this->other_org_);
  }
  EXPECT_EQ(webhooks, (std::set<std::int64_t>{ours.value, theirs.value}));
  ASSERT_TRUE(phones.Delete(phone->id).ok());
  const auto deliveries = this->webhooks_.ListDeliveries(ours, 10, 0);
  ASSERT_TRUE(deliveries.ok());
  EXPECT_EQ(deliveries->total, 2);
}

TYPED_TEST(WebhookStoreTest, AFailureSchedulesARetryAndDisablingFailsWhatIsPending) {
  const WebhookId webhook = this->Subscribe(this->org_, {WebhookEventType::kHotlineStatusChanged});
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kCreated,
                                    HotlineStatus::kProvisioning, "", At(2))
                  .ok());
  auto due = this->Claim(3);
  ASSERT_EQ(due.size(), 1u);
  ASSERT_TRUE(this->webhooks_
                  .RecordFailure(due[0], {At(4), 500, 12, "the receiver answered 500"},
                                 {At(10), std::nullopt})
                  .ok());
  EXPECT_TRUE(this->Claim(9).empty()) << "not before its retry";
  due = this->Claim(10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].delivery.attempts, 1);
  EXPECT_EQ(due[0].failing_since, At(4));
  auto listed = this->webhooks_.ListDeliveries(webhook, 10, 0);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->deliveries.size(), 1u);
  EXPECT_EQ(listed->deliveries[0].status_code, 500);
  EXPECT_EQ(listed->deliveries[0].error, "the receiver answered 500");
  EXPECT_EQ(listed->deliveries[0].state, DeliveryState::kPending);

  ASSERT_TRUE(this->webhooks_
                  .RecordFailure(due[0], {At(11), std::nullopt, 10'000, "timed out"},
                                 {std::nullopt, "every delivery failed"})
                  .ok());
  const auto disabled = this->webhooks_.Find(webhook);
  ASSERT_TRUE(disabled.ok() && disabled->has_value());
  EXPECT_FALSE((*disabled)->is_active);
  EXPECT_EQ((*disabled)->disabled_reason, "every delivery failed");
  listed = this->webhooks_.ListDeliveries(webhook, 10, 0);
  EXPECT_EQ(listed->deliveries[0].state, DeliveryState::kFailed);
  EXPECT_EQ(listed->deliveries[0].attempts, 2);

  Webhook again = **disabled;
  again.is_active = true;
  const auto enabled = this->webhooks_.Update(again, At(20));
  ASSERT_TRUE(enabled.ok()) << enabled.error().detail;
  EXPECT_TRUE(enabled->is_active);
  EXPECT_EQ(enabled->disabled_reason, "");
}

TYPED_TEST(WebhookStoreTest, RedeliveryQueuesTheSameEventAgainAndPurgeKeepsWhatIsPending) {
  const WebhookId webhook = this->Subscribe(this->org_, {WebhookEventType::kHotlineStatusChanged});
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kCreated,
                                    HotlineStatus::kProvisioning, "", At(2))
                  .ok());
  auto due = this->Claim(3);
  ASSERT_EQ(due.size(), 1u);
  this->Succeed(due[0], 4);
  EXPECT_EQ(
      this->webhooks_.Redeliver(webhook, WebhookDeliveryId(due[0].delivery.id.value + 999), At(5))
          .error()
          .code,
      ErrorCode::kNotFound);
  const auto again = this->webhooks_.Redeliver(webhook, due[0].delivery.id, At(5));
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->event, due[0].delivery.event);
  EXPECT_EQ(again->state, DeliveryState::kPending);
  const auto redue = this->Claim(6);
  ASSERT_EQ(redue.size(), 1u);
  EXPECT_EQ(redue[0].event.id, due[0].event.id);

  // Events no webhook wanted are stored too (for the event stream) and go at the first purge;
  // the one with a pending delivery stays until it is delivered.
  auto purged = this->webhooks_.PurgeBefore(At(100));
  ASSERT_TRUE(purged.ok()) << purged.error().detail;
  this->WaitUntilEventsSettle(this->org_);
  EXPECT_EQ(this->webhooks_.EventsAfter(this->org_, WebhookEventId(), 10)->size(), 1u)
      << "the event still has a pending delivery";
  this->Succeed(redue[0], 7);
  purged = this->webhooks_.PurgeBefore(At(100));
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(this->webhooks_.ListDeliveries(webhook, 10, 0)->total, 0);
  ASSERT_TRUE(this->webhooks_.Delete(webhook).ok());
  EXPECT_EQ(this->webhooks_.Delete(webhook).error().code, ErrorCode::kNotFound);
}

// The event stream's log (decision 0063): every event, webhook or not, per organisation in id
// order, resumable from any id; an erasure of the caller reaches the stored events.
TYPED_TEST(WebhookStoreTest, EveryEventIsKeptForTheEventStreamInOrder) {
  this->WaitUntilEventsSettle(this->org_);
  const auto latest_before = this->webhooks_.LatestEventId(this->org_);
  ASSERT_TRUE(latest_before.ok());
  ASSERT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kCreated,
                                    HotlineStatus::kProvisioning, "", At(2))
                  .ok());
  SociCallLogRepository calls(*this->database_);
  const CallHandle call{1};
  std::vector<CallEvent> events = {
      CallOpened{call, this->hotline_, "004924112345", At(3)},
      CallClosed{call, CallOutcome::kMissed, std::nullopt, At(9)},
  };
  ASSERT_TRUE(calls.Write(events).ok());
  this->WaitUntilEventsSettle(this->org_);
  const auto stored = this->webhooks_.EventsAfter(this->org_, *latest_before, 10);
  ASSERT_TRUE(stored.ok()) << stored.error().detail;
  ASSERT_EQ(stored->size(), 3u) << "no webhook exists, yet every event is kept";
  EXPECT_EQ((*stored)[0].type, WebhookEventType::kHotlineStatusChanged);
  EXPECT_EQ((*stored)[1].type, WebhookEventType::kCallStarted);
  EXPECT_EQ((*stored)[2].type, WebhookEventType::kCallEnded);
  EXPECT_EQ((*stored)[1].caller, "004924112345");
  EXPECT_LT((*stored)[0].id, (*stored)[1].id);
  EXPECT_EQ(*this->webhooks_.LatestEventId(this->org_), (*stored)[2].id);
  const auto after_first = this->webhooks_.EventsAfter(this->org_, (*stored)[0].id, 10);
  ASSERT_EQ(after_first->size(), 2u);
  EXPECT_EQ((*after_first)[0].id, (*stored)[1].id);
  EXPECT_TRUE(this->webhooks_.EventsAfter(this->other_org_, *latest_before, 10)->empty())
      << "the other organisation's stream hears nothing of this hotline";

  ASSERT_TRUE(calls.EraseCaller(this->org_, "004924112345", "+4924112345").ok());
  const auto erased = this->webhooks_.EventsAfter(this->org_, *latest_before, 10);
  EXPECT_EQ((*erased)[1].caller, kErasedNumber);
  EXPECT_EQ((*erased)[2].caller, kErasedNumber);
}

// On PostgreSQL two transactions may commit out of id order. An event whose transaction is
// still open holds back the events of transactions that began writing after it, so that a
// stream's cursor never passes over it (decision 0063).
TYPED_TEST(WebhookStoreTest, AnEventCommittedAfterALaterOneIsNotPassedOver) {
  if constexpr (std::is_same_v<TypeParam, testing::SqliteStorage>) {
    GTEST_SKIP() << "SQLite has one writer at a time: its ids follow commit order";
  }
  this->WaitUntilEventsSettle(this->org_);
  const auto latest_before = this->webhooks_.LatestEventId(this->org_);
  ASSERT_TRUE(latest_before.ok());
  const auto holder = testing::OpenDatabase(this->storage_, 1);
  std::promise<void> inserted, release;
  std::thread slow_writer([&] {
    const Status held = holder->Run("hold an event", [&](soci::session& session) {
      WriteTransaction transaction(*holder, session);
      WebhookEvent event;
      event.type = WebhookEventType::kHotlineStatusChanged;
      event.occurred_at = At(2);
      event.hotline = this->hotline_;
      event.status = "provisioning";
      AppendHotlineWebhookEvent(*holder, session, event);
      inserted.set_value();
      release.get_future().wait();
      transaction.Commit();
    });
    EXPECT_TRUE(held.ok()) << held.error().detail;
  });
  inserted.get_future().wait();
  // A later event, committed first.
  EXPECT_TRUE(this->hotlines_
                  .TransitionStatus(this->hotline_, HotlineStatus::kCreated,
                                    HotlineStatus::kProvisioning, "", At(3))
                  .ok());
  const auto while_open = this->webhooks_.EventsAfter(this->org_, *latest_before, 10);
  const auto latest_while_open = this->webhooks_.LatestEventId(this->org_);
  release.set_value();
  slow_writer.join();
  ASSERT_TRUE(while_open.ok()) << while_open.error().detail;
  EXPECT_TRUE(while_open->empty()) << "the later event waits for the earlier transaction";
  EXPECT_EQ(*latest_while_open, *latest_before) << "a new stream starts before both";
  this->WaitUntilEventsSettle(this->org_);

  const auto both = this->webhooks_.EventsAfter(this->org_, *latest_before, 10);
  ASSERT_TRUE(both.ok()) << both.error().detail;
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].occurred_at, At(2)) << "the earlier transaction's event comes first";
  EXPECT_EQ((*both)[1].occurred_at, At(3));
  EXPECT_TRUE(this->webhooks_.EventsAfter(this->org_, (*both)[1].id, 10)->empty());
}

}  // namespace
}  // namespace fr
