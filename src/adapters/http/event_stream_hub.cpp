#include "adapters/http/event_stream_hub.hpp"

#include <spdlog/spdlog.h>

namespace fr::http {
namespace {

constexpr int kEventsPerTurn = 100;
// Tells the EventSource how long to wait before it reconnects (it resumes with Last-Event-ID).
constexpr const char* kPrelude = "retry: 3000\n: first-responder events\n\n";
constexpr const char* kHeartbeat = ": heartbeat\n\n";

}  // namespace

// Open streams per token, user, organisation and in all, shared by the slots so that a slot may
// outlive the hub.
struct EventStreamHub::Counts {
  std::mutex mu;
  std::map<std::int64_t, int> per_token;         // Guarded by mu.
  std::map<std::int64_t, int> per_user;          // Guarded by mu: user principals only.
  std::map<std::int64_t, int> per_organization;  // Guarded by mu.
  int total = 0;                                 // Guarded by mu.
  bool closed = false;                           // Guarded by mu: after Stop, no more slots.
};

namespace {

// `key`'s count in `counts` (absent: 0).
int CountOf(const std::map<std::int64_t, int>& counts, std::int64_t key) {
  const auto found = counts.find(key);
  return found == counts.end() ? 0 : found->second;
}

void Decrement(std::map<std::int64_t, int>& counts, std::int64_t key) {
  if (--counts[key] <= 0) counts.erase(key);
}

}  // namespace

class EventStreamHub::Slot {
 public:
  Slot(std::shared_ptr<Counts> counts, TokenId token, std::optional<UserId> user,
       OrganizationId organization)
      : counts_(std::move(counts)), token_(token), user_(user), organization_(organization) {}
  ~Slot() {
    std::lock_guard lock(counts_->mu);
    Decrement(counts_->per_token, token_.value);
    if (user_) Decrement(counts_->per_user, user_->value);
    Decrement(counts_->per_organization, organization_.value);
    --counts_->total;
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  const std::shared_ptr<Counts> counts_;
  const TokenId token_;
  const std::optional<UserId> user_;
  const OrganizationId organization_;
};

EventStreamHub::EventStreamHub(EventStreamService& service, Render render,
                               EventStreamOptions options)
    : service_(service),
      render_(std::move(render)),
      options_(options),
      counts_(std::make_shared<Counts>()) {}

EventStreamHub::~EventStreamHub() { Stop(); }

std::shared_ptr<EventStreamHub::Slot> EventStreamHub::Reserve(const Principal& principal,
                                                              OrganizationId organization) {
  const TokenId token = principal.token_id;
  const std::optional<UserId> user =
      principal.IsUser() ? std::optional<UserId>(principal.user_id) : std::nullopt;
  std::lock_guard lock(counts_->mu);
  if (counts_->closed || counts_->total >= options_.total ||
      CountOf(counts_->per_token, token.value) >= options_.per_token ||
      (user && CountOf(counts_->per_user, user->value) >= options_.per_user) ||
      CountOf(counts_->per_organization, organization.value) >= options_.per_organization) {
    return nullptr;
  }
  ++counts_->per_token[token.value];
  if (user) ++counts_->per_user[user->value];
  ++counts_->per_organization[organization.value];
  ++counts_->total;
  return std::make_shared<Slot>(counts_, token, user, organization);
}

void EventStreamHub::Attach(std::shared_ptr<ResponseStream> stream, const EventStreamStart& start,
                            std::shared_ptr<Slot> slot) {
  const auto now = std::chrono::steady_clock::now();
  if (!stream->Write(kPrelude)) return;
  std::lock_guard lock(mu_);
  if (stopping_) return;  // the stream ends as `stream` goes
  arrived_.push_back({std::move(stream), start, std::move(slot), start.after, now, now, now});
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  wake_.notify_one();
}

void EventStreamHub::Stop() {
  {
    std::lock_guard lock(counts_->mu);
    counts_->closed = true;
  }
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    arrived_.clear();
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (thread.joinable()) thread.join();
}

void EventStreamHub::Run() {
  std::vector<Open> streams;  // only this thread touches them
  while (true) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.poll_interval,
                     [this] { return stopping_ || !arrived_.empty(); });
      if (stopping_) break;
      for (Open& open : arrived_) streams.push_back(std::move(open));
      arrived_.clear();
    }
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(streams, [this, now](Open& open) { return !Serve(open, now); });
  }
  // Dropping the streams ends their responses while the HTTP server still runs.
  streams.clear();
}

bool EventStreamHub::Serve(Open& open, std::chrono::steady_clock::time_point now) {
  if (now - open.opened >= options_.max_age) return false;
  if (now - open.last_check >= options_.heartbeat) {
    open.last_check = now;
    const auto allowed = service_.StillAllowed(open.start.grant, open.start.organization);
    if (!allowed.ok()) {
      // As for the events: the stream goes on and asks again at the next heartbeat.
      spdlog::warn("events: checking a stream's access failed: {}", allowed.error().detail);
    } else if (!*allowed) {
      spdlog::info("events: a stream of organization {} ended: its token or admin role is gone",
                   open.start.organization.value);
      return false;
    }
  }
  const auto events = service_.Next(open.start.organization, open.cursor, kEventsPerTurn);
  if (!events.ok()) {
    // The database is away for now: the stream waits (heartbeats go on) and retries.
    spdlog::warn("events: reading the organization's events failed: {}", events.error().detail);
  } else {
    for (const WebhookEvent& event : *events) {
      std::string text = "id: " + std::to_string(event.id.value) +
                         "\nevent: " + WebhookEventTypeName(event.type) +
                         "\ndata: " + render_(event, open.start.include_caller_number) + "\n\n";
      if (!open.stream->Write(std::move(text))) return false;
      open.cursor = event.id;
      open.last_write = now;
    }
  }
  if (now - open.last_write >= options_.heartbeat) {
    if (!open.stream->Write(kHeartbeat)) return false;
    open.last_write = now;
  }
  return true;
}

}  // namespace fr::http
