// The event stream hub (decision 0063) with an in-memory event log and streams: events in id
// order from the stream's cursor, heartbeats when quiet, the end after max_age, and the bounds
// on open streams, whose places come back when a client goes.
#include "adapters/http/event_stream_hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace fr::http {
namespace {

using namespace std::chrono_literals;

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
      : service_(log_),
        hub_(service_,
             [](const WebhookEvent& event, bool caller) {
               return "{\"id\":" + std::to_string(event.id.value) +
                      (caller ? ",\"caller\":true}" : "}");
             },
             {.poll_interval = 5ms,
              .heartbeat = 500ms,
              .max_age = 1min,
              .per_token = 2,
              .total = 3}) {}

  std::shared_ptr<FakeStream> Attach(std::optional<WebhookEventId> last, bool caller = false,
                                     TokenId token = TokenId(1)) {
    const auto start = service_.Open(Principal::ForOrganization(kOrg, token), kOrg, last, caller);
    EXPECT_TRUE(start.ok());
    auto slot = hub_.Reserve(token);
    EXPECT_NE(slot, nullptr);
    auto stream = std::make_shared<FakeStream>();
    hub_.Attach(stream, *start, slot);
    return stream;
  }

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
  EXPECT_EQ(hub_.Reserve(TokenId(1)), nullptr) << "two per token";
  const auto third = Attach(std::nullopt, false, TokenId(2));
  EXPECT_EQ(hub_.Reserve(TokenId(3)), nullptr) << "three in all";
  first->Go();  // the client went; the next heartbeat fails and the hub lets the stream go
  std::shared_ptr<void> slot;
  for (int i = 0; i < 500 && !slot; ++i) {
    std::this_thread::sleep_for(10ms);
    slot = hub_.Reserve(TokenId(1));
  }
  EXPECT_NE(slot, nullptr);
}

TEST_F(EventStreamHubTest, StopEndsEveryStreamAndRefusesNewOnes) {
  auto stream = Attach(std::nullopt);
  std::weak_ptr<FakeStream> watched = stream;
  stream.reset();
  EXPECT_FALSE(watched.expired()) << "the hub holds the open stream";
  hub_.Stop();
  EXPECT_TRUE(watched.expired()) << "dropped: the response ends";
  EXPECT_EQ(hub_.Reserve(TokenId(1)), nullptr);
}

}  // namespace
}  // namespace fr::http
