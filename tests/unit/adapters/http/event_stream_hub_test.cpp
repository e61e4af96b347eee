// The event stream hub (decision 0063) with an in-memory event log and streams: events in id
// order from the stream's cursor, heartbeats when quiet, the end after max_age, and the bounds
// on open streams, whose places come back when a client goes.
#include "adapters/http/event_stream_hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "fakes/fake_clock.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr::http {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::InMemoryOrganizationRepository;
using testing::InMemoryTokenRepository;

class InMemoryEventLog final : public EventLog {
 public:
  void Add(OrganizationId organization, WebhookEventType type) {
    std::lock_guard lock(mu_);
    WebhookEvent event;
    event.id = WebhookEventId(static_cast<std::int64_t>(events_.size()) + 1);
    event.organization_id = organization;
    event.type = type;
    events_.push_back(event);
  }
  Result<std::vector<WebhookEvent>> EventsAfter(OrganizationId organization, WebhookEventId after,
                                                int limit) override {
    std::lock_guard lock(mu_);
    std::vector<WebhookEvent> found;
    for (const WebhookEvent& event : events_) {
      if (event.organization_id == organization && event.id > after &&
          static_cast<int>(found.size()) < limit) {
        found.push_back(event);
      }
    }
    return found;
  }
  Result<WebhookEventId> LatestEventId(OrganizationId organization) override {
    std::lock_guard lock(mu_);
    WebhookEventId latest;
    for (const WebhookEvent& event : events_) {
      if (event.organization_id == organization) latest = event.id;
    }
    return latest;
  }

 private:
  std::mutex mu_;
  std::vector<WebhookEvent> events_;
};

class FakeStream final : public ResponseStream {
 public:
  bool Write(std::string chunk) override {
    std::lock_guard lock(mu_);
    if (gone_) return false;
    text_ += chunk;
    return true;
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }
  void Go() {
    std::lock_guard lock(mu_);
    gone_ = true;
  }
  // Whether `needle` appears `times` times within `timeout`.
  bool WaitFor(const std::string& needle, int times, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Count(needle) >= times) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  int Count(const std::string& needle) const {
    const std::string all = text();
    int count = 0;
    for (auto at = all.find(needle); at != std::string::npos; at = all.find(needle, at + 1)) {
      ++count;
    }
    return count;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
  bool gone_ = false;
};

const OrganizationId kOrg(7);
const OrganizationId kOtherOrg(8);

class EventStreamHubTest : public ::testing::Test {
 protected:
  EventStreamHubTest()
      : service_(log_, tokens_, organizations_, clock_),
        hub_(service_,
             [](const WebhookEvent& event, bool caller) {
               return "{\"id\":" + std::to_string(event.id.value) +
                      (caller ? ",\"caller\":true}" : "}");
             },
             {.poll_interval = 5ms,
              .heartbeat = 500ms,
              .max_age = 1min,
              .per_token = 2,
              .total = 3}) {
    // Tokens 1 to 3: kOrg's API tokens; 4: a personal token of user 9.
    for (int i = 1; i <= 4; ++i) {
      Token token;
      token.kind = i <= 3 ? TokenKind::kOrganization : TokenKind::kPersonal;
      if (i <= 3) token.organization_id = kOrg;
      if (i == 4) token.user_id = kAdmin;
      token.secret_hash = "hash" + std::to_string(i);
      EXPECT_TRUE(tokens_.Create(token).ok());
    }
    EXPECT_TRUE(organizations_.AddMember({kOrg, kAdmin, Role::kAdmin, false, clock_.Now()}).ok());
  }

  std::shared_ptr<FakeStream> Attach(std::optional<WebhookEventId> last, bool caller = false,
                                     TokenId token = TokenId(1)) {
    return AttachAs(Principal::ForOrganization(kOrg, token), last, caller);
  }
  std::shared_ptr<FakeStream> AttachAs(const Principal& principal,
                                       std::optional<WebhookEventId> last = std::nullopt,
                                       bool caller = false) {
    const auto start = service_.Open(principal, kOrg, last, caller);
    EXPECT_TRUE(start.ok());
    auto slot = hub_.Reserve(principal, kOrg);
    EXPECT_NE(slot, nullptr);
    auto stream = std::make_shared<FakeStream>();
    hub_.Attach(stream, *start, slot);
    return stream;
  }
  static Principal OrgToken(TokenId token) { return Principal::ForOrganization(kOrg, token); }
  // Whether the hub let go of `stream` (it ended the response) within `timeout`.
  static bool Dropped(std::shared_ptr<FakeStream> stream, std::chrono::milliseconds timeout) {
    std::weak_ptr<FakeStream> watched = stream;
    stream.reset();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (watched.expired()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  static inline const UserId kAdmin{9};
  FakeClock clock_;
  InMemoryTokenRepository tokens_;
  InMemoryOrganizationRepository organizations_;
  InMemoryEventLog log_;
  EventStreamService service_;
  EventStreamHub hub_;
};

TEST_F(EventStreamHubTest, EventsArriveInOrderFromWhereTheClientResumes) {
  log_.Add(kOrg, WebhookEventType::kCallStarted);       // 1
  log_.Add(kOrg, WebhookEventType::kCallAnswered);      // 2
  log_.Add(kOtherOrg, WebhookEventType::kCallStarted);  // 3: another organisation's
  const auto from_now = Attach(std::nullopt);
  const auto resumed = Attach(WebhookEventId(1), true);
  log_.Add(kOrg, WebhookEventType::kCallEnded);  // 4
  ASSERT_TRUE(resumed->WaitFor("\n\n", 3, 2s));
  ASSERT_TRUE(from_now->WaitFor("id: 4", 1, 2s));
  std::string text = resumed->text();
  for (auto at = text.find(": heartbeat\n\n"); at != std::string::npos;
       at = text.find(": heartbeat\n\n")) {
    text.erase(at, 13);
  }
  EXPECT_EQ(text,
            "retry: 3000\n: first-responder events\n\n"
            "id: 2\nevent: call.answered\ndata: {\"id\":2,\"caller\":true}\n\n"
            "id: 4\nevent: call.ended\ndata: {\"id\":4,\"caller\":true}\n\n");
  EXPECT_EQ(from_now->Count("id: "), 1) << from_now->text();
}

TEST_F(EventStreamHubTest, AQuietStreamGetsHeartbeats) {
  const auto stream = Attach(std::nullopt);
  EXPECT_TRUE(stream->WaitFor(": heartbeat\n\n", 2, 5s)) << stream->text();
}

TEST_F(EventStreamHubTest, StreamsAreBoundedPerTokenAndInAllAndAClientThatGoesFreesItsPlace) {
  const auto first = Attach(std::nullopt, false, TokenId(1));
  const auto second = Attach(std::nullopt, false, TokenId(1));
  EXPECT_EQ(hub_.Reserve(OrgToken(TokenId(1)), kOrg), nullptr) << "two per token";
  const auto third = Attach(std::nullopt, false, TokenId(2));
  EXPECT_EQ(hub_.Reserve(OrgToken(TokenId(3)), kOrg), nullptr) << "three in all";
  first->Go();  // the client went; the next heartbeat fails and the hub lets the stream go
  std::shared_ptr<void> slot;
  for (int i = 0; i < 500 && !slot; ++i) {
    std::this_thread::sleep_for(10ms);
    slot = hub_.Reserve(OrgToken(TokenId(1)), kOrg);
  }
  EXPECT_NE(slot, nullptr);
}

TEST(EventStreamHubBounds, StreamsAreBoundedPerUserAcrossTokensAndPerOrganization) {
  InMemoryEventLog log;
  InMemoryTokenRepository tokens;
  InMemoryOrganizationRepository organizations;
  FakeClock clock;
  EventStreamService service(log, tokens, organizations, clock);
  EventStreamHub hub(service, [](const WebhookEvent&, bool) { return std::string("{}"); },
                     {.per_token = 2, .per_user = 3, .per_organization = 5, .total = 100});
  const auto user = [](std::int64_t token) {
    return Principal::ForUser(UserId(1), TokenId(token), {});
  };
  std::vector<std::shared_ptr<void>> slots;
  slots.push_back(hub.Reserve(user(1), kOrg));
  slots.push_back(hub.Reserve(user(1), kOrg));
  EXPECT_EQ(hub.Reserve(user(1), kOrg), nullptr) << "two per token";
  slots.push_back(hub.Reserve(user(2), kOrg));
  EXPECT_EQ(hub.Reserve(user(3), kOrg), nullptr) << "three per user, whichever token";
  EXPECT_EQ(hub.Reserve(user(3), kOtherOrg), nullptr) << "in any organisation";
  slots.push_back(hub.Reserve(Principal::ForOrganization(kOrg, TokenId(10)), kOrg));
  slots.push_back(hub.Reserve(Principal::ForUser(UserId(2), TokenId(11), {}), kOrg));
  EXPECT_EQ(hub.Reserve(Principal::ForUser(UserId(3), TokenId(12), {}), kOrg), nullptr)
      << "five per organisation";
  EXPECT_NE(hub.Reserve(Principal::ForUser(UserId(3), TokenId(12), {}), kOtherOrg), nullptr);
  for (const auto& slot : slots) EXPECT_NE(slot, nullptr);
  slots.erase(slots.begin());  // one of user 1's streams ends
  EXPECT_NE(hub.Reserve(user(3), kOrg), nullptr);
}

TEST_F(EventStreamHubTest, ARevokedTokenLosesItsStreamAtTheNextHeartbeat) {
  auto kept = Attach(std::nullopt, false, TokenId(2));
  auto revoked = Attach(std::nullopt, false, TokenId(1));
  ASSERT_TRUE(tokens_.Revoke(TokenId(1), clock_.Now()).value());
  EXPECT_TRUE(Dropped(std::move(revoked), 3s));
  EXPECT_TRUE(kept->WaitFor(": heartbeat\n\n", 2, 5s)) << "the other token's stream goes on";
  EXPECT_FALSE(Dropped(std::move(kept), 100ms));
}

TEST_F(EventStreamHubTest, AnAdminWhoIsDemotedOrRemovedLosesTheStream) {
  const auto admin = [this] {
    return Principal::ForUser(kAdmin, TokenId(4), organizations_.MembershipsOfUser(kAdmin).value());
  };
  auto stream = AttachAs(admin());
  EXPECT_TRUE(stream->WaitFor(": heartbeat\n\n", 2, 5s)) << "an admin keeps listening";
  ASSERT_TRUE(organizations_.UpdateMembership({kOrg, kAdmin, Role::kMember, false, clock_.Now()})
                  .ok());
  EXPECT_TRUE(Dropped(std::move(stream), 3s));

  ASSERT_TRUE(organizations_.UpdateMembership({kOrg, kAdmin, Role::kAdmin, false, clock_.Now()})
                  .ok());
  stream = AttachAs(admin());
  ASSERT_TRUE(organizations_.RemoveMember(kOrg, kAdmin).value());
  EXPECT_TRUE(Dropped(std::move(stream), 3s));
}

TEST_F(EventStreamHubTest, StopEndsEveryStreamAndRefusesNewOnes) {
  auto stream = Attach(std::nullopt);
  std::weak_ptr<FakeStream> watched = stream;
  stream.reset();
  EXPECT_FALSE(watched.expired()) << "the hub holds the open stream";
  hub_.Stop();
  EXPECT_TRUE(watched.expired()) << "dropped: the response ends";
  EXPECT_EQ(hub_.Reserve(OrgToken(TokenId(1)), kOrg), nullptr);
}

}  // namespace
}  // namespace fr::http
