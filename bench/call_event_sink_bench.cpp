// Throughput of the call-event store on SQLite (synchronous=FULL, WAL), as the telephony engine
// drives it: several threads report realistic calls (20 events each) through the group-commit
// sink. The baseline writes the same events one transaction each, which is what the sink saves
// us from. Prints events per second for both and their ratio.
//
//   fr_bench_call_events [calls=4000] [threads=4]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "app/group_commit_call_event_sink.hpp"

namespace fr {
namespace {

using Stopwatch = std::chrono::steady_clock;

Timestamp Now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()); }

// One answered call with two agents: 20 events.
void ReportCall(CallEventSink& sink, HotlineId hotline) {
  const CallHandle call = sink.OpenCall(hotline, "004924112345", Now());
  sink.AddEntry(call, {Now(), CallEntryType::kCallReceived});
  const LegHandle in = sink.OpenLeg(call, LegDirection::kInbound, "004924112345", "004924155660000", Now(), std::nullopt);
  sink.AnswerLeg(in, Now());
  sink.AddEntry(call, {Now(), CallEntryType::kGreetingPlayed});
  std::vector<LegHandle> agents;
  for (int agent = 1; agent <= 2; ++agent) {
    sink.AddEntry(call, {Now(), CallEntryType::kAgentDialed, UserId(agent), AgentPhoneId(agent), {}});
    agents.push_back(sink.OpenLeg(call, LegDirection::kOutbound, "004924155660000", "004915112345678", Now(),
                                    AgentPhoneRef{UserId(1), AgentPhoneId(1)}));
    sink.AddEntry(call, {Now(), CallEntryType::kAgentRinging, UserId(agent), AgentPhoneId(agent), {}});
  }
  sink.AnswerLeg(agents[0], Now());
  sink.AddEntry(call, {Now(), CallEntryType::kAgentAnswered, UserId(1), AgentPhoneId(1), {}});
  sink.CloseLeg(agents[1], LegDisposition::kCancelled, 487, Now());
  sink.AddEntry(call, {Now(), CallEntryType::kBridged, UserId(1), AgentPhoneId(1), {}});
  sink.AddEntry(call, {Now(), CallEntryType::kCallerHungUp});
  sink.CloseLeg(in, LegDisposition::kAnswered, 200, Now());
  sink.CloseLeg(agents[0], LegDisposition::kAnswered, 200, Now());
  sink.AddEntry(call, {Now(), CallEntryType::kEnded});
  sink.CloseCall(call, CallOutcome::kAnswered, AnsweredBy{UserId(1), AgentPhoneId(1)}, Now());
}
constexpr int kEventsPerCall = 20;

// Sends each event to the store in its own transaction, synchronously.
class OneTransactionPerEvent final : public CallEventSink {
 public:
  explicit OneTransactionPerEvent(CallEventWriter& writer) : writer_(writer) {}
  CallHandle OpenCall(HotlineId hotline, std::optional<std::string> caller, Timestamp at) override {
    const CallHandle call{++next_};
    Write(CallOpened{call, hotline, std::move(caller), at});
    return call;
  }
  void AddEntry(CallHandle call, CallEntry entry) override { Write(CallEntryAdded{call, std::move(entry)}); }
  void CloseCall(CallHandle call, CallOutcome outcome, std::optional<AnsweredBy> by, Timestamp at) override {
    Write(CallClosed{call, outcome, by, at});
  }
  LegHandle OpenLeg(CallHandle call, LegDirection direction, std::optional<std::string> from,
                    std::string to, Timestamp at, std::optional<AgentPhoneRef> agent) override {
    const LegHandle leg{++next_};
    Write(LegOpened{leg, call, direction, std::move(from), std::move(to), at, agent});
    return leg;
  }
  void AnswerLeg(LegHandle leg, Timestamp at) override { Write(LegAnswered{leg, at}); }
  void CloseLeg(LegHandle leg, LegDisposition disposition, std::optional<int> status, Timestamp at) override {
    Write(LegClosed{leg, disposition, status, at});
  }
  Status Flush(std::chrono::milliseconds) override { return Ok(); }

 private:
  void Write(CallEvent event) {
    if (!writer_.Write(std::span<const CallEvent>(&event, 1)).ok()) std::abort();
  }
  CallEventWriter& writer_;
  std::uint64_t next_ = 0;
};

struct Setup {
  std::filesystem::path dir;
  std::unique_ptr<Database> database;
  HotlineId hotline;
};

Setup Prepare(const std::string& name) {
  Setup setup;
  setup.dir = std::filesystem::temp_directory_path() / ("fr-bench-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(setup.dir);
  std::filesystem::create_directories(setup.dir);
  setup.database = std::move(Database::Open("sqlite:" + (setup.dir / "bench.db").string(), 2).value());
  const auto organization = SociOrganizationRepository(*setup.database).Create("Bench", {})->id;
  if (!SociNumberInventory(*setup.database).Add({"004924155660000"}, "DE", "Aachen").ok()) std::abort();
  Hotline draft;
  draft.organization_id = organization;
  draft.name = "Bench";
  setup.hotline = SociHotlineRepository(*setup.database).Create(draft, {"DE", "Aachen"}, 10, Now())->id;
  return setup;
}

double Seconds(Stopwatch::duration duration) { return std::chrono::duration<double>(duration).count(); }

}  // namespace
}  // namespace fr

int main(int argc, char** argv) {
  using namespace fr;
  const int calls = argc > 1 ? std::atoi(argv[1]) : 4000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;

  Setup grouped = Prepare("grouped");
  SociCallLogRepository grouped_store(*grouped.database);
  GroupCommitCallEventSink sink(grouped_store, GroupCommitOptions{});
  const auto start = Stopwatch::now();
  std::vector<std::thread> producers;
  for (int t = 0; t < threads; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < calls / threads; ++i) ReportCall(sink, grouped.hotline);
    });
  }
  for (auto& producer : producers) producer.join();
  if (!sink.Flush(std::chrono::minutes(5)).ok()) return 1;
  const double grouped_seconds = Seconds(Stopwatch::now() - start);
  const auto stats = sink.stats();
  const double grouped_rate = static_cast<double>(stats.written) / grouped_seconds;
  if (stats.written != static_cast<std::uint64_t>(calls / threads * threads * kEventsPerCall)) {
    std::fprintf(stderr, "lost events: %llu written\n", static_cast<unsigned long long>(stats.written));
    return 1;
  }

  const int baseline_calls = std::max(1, calls / 20);
  Setup single = Prepare("single");
  SociCallLogRepository single_store(*single.database);
  OneTransactionPerEvent unbatched(single_store);
  const auto baseline_start = Stopwatch::now();
  for (int i = 0; i < baseline_calls; ++i) ReportCall(unbatched, single.hotline);
  const double baseline_seconds = Seconds(Stopwatch::now() - baseline_start);
  const double baseline_rate = baseline_calls * kEventsPerCall / baseline_seconds;

  std::printf("group commit: %d calls, %llu events from %d threads in %.2f s: %.0f events/s, "
              "%.0f calls/s, %llu transactions (%.0f events each)\n",
              calls / threads * threads, static_cast<unsigned long long>(stats.written), threads,
              grouped_seconds, grouped_rate, grouped_rate / kEventsPerCall,
              static_cast<unsigned long long>(stats.transactions),
              static_cast<double>(stats.written) / static_cast<double>(stats.transactions));
  std::printf("one transaction per event: %d calls in %.2f s: %.0f events/s\n", baseline_calls,
              baseline_seconds, baseline_rate);
  std::printf("ratio group commit / one transaction per event: %.1fx\n", grouped_rate / baseline_rate);
  sink.Stop(std::chrono::seconds(10));
  std::filesystem::remove_all(grouped.dir);
  std::filesystem::remove_all(single.dir);
  return 0;
}
