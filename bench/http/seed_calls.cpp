// Seeds one hotline of a stopped server's database with call history for the HTTP benchmark
// (bench/http/run): CALLS inbound calls, each with two telephone records (the caller's leg and
// one leg to the agent's phone) and four entries, a fifth of them missed. The calls go through
// the storage adapter's own CallEventWriter, the path the telephony engine's group-commit sink
// takes, in batches of a thousand calls per transaction, so the rows are exactly what a running
// service would have stored, indexes included.
//
//   fr_bench_seed_calls DATABASE_URL HOTLINE_ID AGENT_USER_ID AGENT_PHONE_ID CALLS
//
// The calls are spread evenly over the last 30 days (inside the default 90-day retention, so
// the server's purge at start keeps them), the newest a minute ago. The legs' numbers are
// placeholders of the right shape: the list endpoints only read them.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"

namespace fr {
namespace {

constexpr std::int64_t kCallsPerTransaction = 1000;
constexpr auto kHistory = std::chrono::days(30);

struct Plan {
  HotlineId hotline;
  AgentPhoneRef agent;
  std::int64_t calls = 0;
};

// Appends the events of call number `index` (0 is the oldest), which starts at `start`.
void AppendCall(const Plan& plan, std::int64_t index, Timestamp start,
                std::vector<CallEvent>& events) {
  using std::chrono::seconds;
  const auto handle = static_cast<std::uint64_t>(index) + 1;
  const CallHandle call{handle};
  const LegHandle caller_leg{2 * handle};
  const LegHandle agent_leg{2 * handle + 1};
  const bool answered = index % 5 != 0;
  const std::string caller = "0049241" + std::to_string(1000000 + index % 9000000);
  const std::string hotline_number = "004924155670000";
  const Timestamp end = start + seconds(answered ? 180 + index % 600 : 30);

  events.push_back(CallOpened{call, plan.hotline, caller, start});
  events.push_back(CallEntryAdded{call, {start, CallEntryType::kCallReceived}});
  events.push_back(LegOpened{caller_leg, call, LegDirection::kInbound, caller, hotline_number,
                             start, std::nullopt});
  events.push_back(LegAnswered{caller_leg, start});
  events.push_back(CallEntryAdded{
      call, {start + seconds(5), CallEntryType::kAgentDialed, plan.agent.user,
             plan.agent.agent_phone, std::nullopt}});
  events.push_back(LegOpened{agent_leg, call, LegDirection::kOutbound, hotline_number,
                             "004915112345678", start + seconds(5), plan.agent});
  if (answered) {
    events.push_back(LegAnswered{agent_leg, start + seconds(12)});
    events.push_back(CallEntryAdded{
        call, {start + seconds(12), CallEntryType::kAgentAnswered, plan.agent.user,
               plan.agent.agent_phone, std::nullopt}});
    events.push_back(LegClosed{agent_leg, LegDisposition::kAnswered, 200, end});
  } else {
    events.push_back(LegClosed{agent_leg, LegDisposition::kCancelled, 487, end});
  }
  events.push_back(LegClosed{caller_leg, LegDisposition::kAnswered, 200, end});
  events.push_back(CallEntryAdded{call, {end, CallEntryType::kEnded}});
  if (answered) {
    events.push_back(CallClosed{call, CallOutcome::kAnswered, plan.agent, end});
  } else {
    events.push_back(CallClosed{call, CallOutcome::kMissed, std::nullopt, end});
  }
}

int Seed(const std::string& url, const Plan& plan) {
  auto database = Database::Open(url, 1);
  if (!database.ok()) {
    std::fprintf(stderr, "fr_bench_seed_calls: cannot open %s: %s\n", url.c_str(),
                 database.error().detail.c_str());
    return 1;
  }
  SociCallLogRepository repository(**database);
  const auto newest = std::chrono::time_point_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now()) -
                      std::chrono::minutes(1);
  const auto spacing = std::chrono::duration_cast<std::chrono::milliseconds>(kHistory) /
                       std::max<std::int64_t>(plan.calls, 1);
  std::vector<CallEvent> events;
  for (std::int64_t first = 0; first < plan.calls; first += kCallsPerTransaction) {
    events.clear();
    const std::int64_t last = std::min(plan.calls, first + kCallsPerTransaction);
    for (std::int64_t index = first; index < last; ++index) {
      AppendCall(plan, index, newest - spacing * (plan.calls - 1 - index), events);
    }
    if (const Status written = repository.Write(events); !written.ok()) {
      std::fprintf(stderr, "fr_bench_seed_calls: writing calls %lld.. failed: %s\n",
                   static_cast<long long>(first), written.error().detail.c_str());
      return 1;
    }
  }
  std::printf("seeded %lld calls and %lld telephone records on hotline %lld\n",
              static_cast<long long>(plan.calls), static_cast<long long>(2 * plan.calls),
              static_cast<long long>(plan.hotline.value));
  return 0;
}

}  // namespace
}  // namespace fr

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: %s DATABASE_URL HOTLINE_ID AGENT_USER_ID AGENT_PHONE_ID CALLS\n",
                 argv[0]);
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  fr::Plan plan;
  plan.hotline = fr::HotlineId(std::atoll(argv[2]));
  plan.agent = {fr::UserId(std::atoll(argv[3])), fr::AgentPhoneId(std::atoll(argv[4]))};
  plan.calls = std::atoll(argv[5]);
  if (plan.hotline.value <= 0 || plan.calls <= 0) {
    std::fprintf(stderr, "fr_bench_seed_calls: HOTLINE_ID and CALLS must be positive\n");
    return 2;
  }
  return fr::Seed(argv[1], plan);
}
