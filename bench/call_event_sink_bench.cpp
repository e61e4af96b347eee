// The call-event store on SQLite (synchronous=FULL, WAL) as the telephony engine drives it,
// group commit against what a plain implementation would do: one transaction per call, written
// by the thread that ends the call. Several producer threads report realistic calls (20 events
// each), paced at a realistic call rate, and then as fast as they can. Each configuration runs
// `repeats` times on a fresh database; the medians are printed with their ratios:
//   - the engine's time per call: how long the producer spends inside the sink for one call
//     (what the control thread would be blocked for), median and 99th percentile;
//   - CPU per call (user + system, all threads) at the paced rate;
//   - the most calls per second when nobody paces the producers.
//
//   fr_bench_call_events [calls=2000] [calls_per_second=200] [threads=4] [repeats=5]
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
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
  sink.CloseLeg(agents[1], LegDisposition::kCancelled, 487, Now(), std::nullopt);
  sink.AddEntry(call, {Now(), CallEntryType::kBridged, UserId(1), AgentPhoneId(1), {}});
  sink.AddEntry(call, {Now(), CallEntryType::kCallerHungUp});
  // Answered legs close with their audio quality, as the engine reports it.
  sink.CloseLeg(in, LegDisposition::kAnswered, 200, Now(), LegQuality{0.004, 12.5});
  sink.CloseLeg(agents[0], LegDisposition::kAnswered, 200, Now(), LegQuality{0, 8.25});
  sink.AddEntry(call, {Now(), CallEntryType::kEnded});
  sink.CloseCall(call, CallOutcome::kAnswered, AnsweredBy{UserId(1), AgentPhoneId(1)}, Now());
}
constexpr int kEventsPerCall = 20;

// Keeps each call's events in memory and writes them in one transaction when the call closes,
// on the calling thread: durable when CloseCall returns. One writer at a time (SOCI sessions are
// not shared), as a plain implementation would lock around its store.
class TransactionPerCall final : public CallEventSink {
 public:
  explicit TransactionPerCall(CallEventWriter& writer) : writer_(writer) {}
  CallHandle OpenCall(HotlineId hotline, std::optional<std::string> caller, Timestamp at) override {
    std::lock_guard lock(mu_);
    const CallHandle call{++next_};
    pending_[call.value].push_back(CallOpened{call, hotline, std::move(caller), at});
    return call;
  }
  void AddEntry(CallHandle call, CallEntry entry) override {
    Buffer(call.value, CallEntryAdded{call, std::move(entry)});
  }
  void CloseCall(CallHandle call, CallOutcome outcome, std::optional<AnsweredBy> by,
                 Timestamp at) override {
    std::vector<CallEvent> events;
    {
      std::lock_guard lock(mu_);
      events = std::move(pending_[call.value]);
      pending_.erase(call.value);
    }
    events.push_back(CallClosed{call, outcome, by, at});
    std::lock_guard lock(write_mu_);
    if (!writer_.Write(events).ok()) std::abort();
  }
  LegHandle OpenLeg(CallHandle call, LegDirection direction, std::optional<std::string> from,
                    std::string to, Timestamp at, std::optional<AgentPhoneRef> agent) override {
    std::lock_guard lock(mu_);
    const LegHandle leg{++next_};
    call_of_leg_[leg.value] = call.value;
    pending_[call.value].push_back(
        LegOpened{leg, call, direction, std::move(from), std::move(to), at, agent});
    return leg;
  }
  void AnswerLeg(LegHandle leg, Timestamp at) override { BufferLeg(leg, LegAnswered{leg, at}); }
  void CloseLeg(LegHandle leg, LegDisposition disposition, std::optional<int> status,
                Timestamp at, std::optional<LegQuality> quality) override {
    BufferLeg(leg, LegClosed{leg, disposition, status, at, quality});
  }
  void StartVoicemail(CallHandle call, std::string file, Timestamp at) override {
    Buffer(call.value, VoicemailStarted{call, std::move(file), at});
  }
  void FinishVoicemail(CallHandle call, std::string file,
                       std::optional<std::chrono::milliseconds> duration, Timestamp at) override {
    Buffer(call.value, VoicemailFinished{call, std::move(file), duration, at});
  }
  Status Flush(std::chrono::milliseconds) override { return Ok(); }

 private:
  void Buffer(std::uint64_t call, CallEvent event) {
    std::lock_guard lock(mu_);
    pending_[call].push_back(std::move(event));
  }
  void BufferLeg(LegHandle leg, CallEvent event) {
    std::lock_guard lock(mu_);
    pending_[call_of_leg_.at(leg.value)].push_back(std::move(event));
  }

  CallEventWriter& writer_;
  std::mutex mu_;
  std::uint64_t next_ = 0;                                     // Guarded by mu_.
  std::map<std::uint64_t, std::vector<CallEvent>> pending_;   // Guarded by mu_.
  std::map<std::uint64_t, std::uint64_t> call_of_leg_;        // Guarded by mu_.
  std::mutex write_mu_;
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

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Percentile99(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * 99 / 100)];
}

struct Config {
  int calls = 2000;
  double calls_per_second = 200;  // 0: as fast as the producers can
  int threads = 4;
};

struct Run {
  double engine_us_median = 0, engine_us_p99 = 0;  // producer time inside the sink, per call
  double cpu_ms_per_call = 0;
  double calls_per_second = 0;                     // until every event is durable
};

// One run on a fresh database: `threads` producers report `calls` calls, paced or not, through
// the sink `make_sink` builds; returns once every event is durable.
using SinkFactory = std::function<std::unique_ptr<CallEventSink>(CallEventWriter&)>;
Run RunOnce(const std::string& name, const Config& config, const SinkFactory& make_sink) {
  Setup setup = Prepare(name);
  SociCallLogRepository store(*setup.database);
  std::unique_ptr<CallEventSink> sink = make_sink(store);
  const int per_thread = config.calls / config.threads;
  std::vector<std::vector<double>> engine_us(config.threads);
  const double cpu_before = CpuSeconds();
  const auto start = Stopwatch::now();
  std::vector<std::thread> producers;
  for (int t = 0; t < config.threads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        if (config.calls_per_second > 0) {
          // Call starts spread evenly over the threads: thread t starts calls t, t+T, t+2T, …
          const double at = (i * config.threads + t) / config.calls_per_second;
          std::this_thread::sleep_until(start + std::chrono::duration_cast<Stopwatch::duration>(
                                                    std::chrono::duration<double>(at)));
        }
        const auto began = Stopwatch::now();
        ReportCall(*sink, setup.hotline);
        engine_us[t].push_back(Seconds(Stopwatch::now() - began) * 1e6);
      }
    });
  }
  for (auto& producer : producers) producer.join();
  if (!sink->Flush(std::chrono::minutes(5)).ok()) std::abort();
  const double elapsed = Seconds(Stopwatch::now() - start);
  const double cpu = CpuSeconds() - cpu_before;
  if (auto* grouped = dynamic_cast<GroupCommitCallEventSink*>(sink.get())) {
    if (grouped->stats().written != static_cast<std::uint64_t>(per_thread * config.threads * kEventsPerCall)) {
      std::fprintf(stderr, "lost events\n");
      std::abort();
    }
    grouped->Stop(std::chrono::seconds(10));
  }
  sink.reset();
  std::filesystem::remove_all(setup.dir);
  std::vector<double> all;
  for (const auto& per : engine_us) all.insert(all.end(), per.begin(), per.end());
  const double calls = static_cast<double>(all.size());
  return {Median(all), Percentile99(all), cpu * 1000 / calls, calls / elapsed};
}

// The median of each measure over `repeats` runs.
Run MedianOf(int repeats, const std::function<Run()>& run) {
  std::vector<double> median, p99, cpu, rate;
  for (int i = 0; i < repeats; ++i) {
    const Run result = run();
    median.push_back(result.engine_us_median);
    p99.push_back(result.engine_us_p99);
    cpu.push_back(result.cpu_ms_per_call);
    rate.push_back(result.calls_per_second);
  }
  return {Median(median), Median(p99), Median(cpu), Median(rate)};
}

}  // namespace
}  // namespace fr

int main(int argc, char** argv) {
  using namespace fr;
  spdlog::set_level(spdlog::level::warn);  // no migration lines between the results
  Config paced;
  paced.calls = argc > 1 ? std::atoi(argv[1]) : 2000;
  paced.calls_per_second = argc > 2 ? std::atof(argv[2]) : 200;
  paced.threads = argc > 3 ? std::atoi(argv[3]) : 4;
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 5;
  Config unpaced = paced;
  unpaced.calls_per_second = 0;

  const SinkFactory group_commit = [](CallEventWriter& writer) -> std::unique_ptr<CallEventSink> {
    return std::make_unique<GroupCommitCallEventSink>(writer, GroupCommitOptions{});
  };
  const SinkFactory per_call = [](CallEventWriter& writer) -> std::unique_ptr<CallEventSink> {
    return std::make_unique<TransactionPerCall>(writer);
  };
  struct Row {
    const char* name;
    Run at_rate, unbounded;
  };
  std::vector<Row> rows;
  for (const auto& [name, factory] : {std::pair{"group commit", group_commit},
                                      std::pair{"transaction per call", per_call}}) {
    const Run at_rate = MedianOf(repeats, [&] { return RunOnce("paced", paced, factory); });
    const Run unbounded = MedianOf(repeats, [&] { return RunOnce("unpaced", unpaced, factory); });
    rows.push_back({name, at_rate, unbounded});
  }
  std::printf("call events: %d calls of %d events from %d threads, %.0f calls/s paced; median of %d runs\n",
              paced.calls / paced.threads * paced.threads, kEventsPerCall, paced.threads,
              paced.calls_per_second, repeats);
  std::printf("  %-22s %16s %16s %16s %18s\n", "", "engine us/call", "p99 us/call", "CPU ms/call",
              "unpaced calls/s");
  for (const Row& row : rows) {
    std::printf("  %-22s %16.1f %16.1f %16.2f %18.0f\n", row.name, row.at_rate.engine_us_median,
                row.at_rate.engine_us_p99, row.at_rate.cpu_ms_per_call, row.unbounded.calls_per_second);
  }
  const Run& grouped = rows[0].at_rate;
  const Run& plain = rows[1].at_rate;
  std::printf("  ratios transaction per call / group commit: engine time %.0fx (p99 %.0fx), CPU %.1fx;"
              " unpaced rate group commit / transaction per call %.1fx\n",
              plain.engine_us_median / grouped.engine_us_median,
              plain.engine_us_p99 / grouped.engine_us_p99, plain.cpu_ms_per_call / grouped.cpu_ms_per_call,
              rows[0].unbounded.calls_per_second / rows[1].unbounded.calls_per_second);
  return 0;
}
