// Plays the telephony engine's part for the call-log tests: reads a script of call events
// (JSON, one array of operations) and feeds it through the service's real CallEventSink into
// the real store, then flushes and prints "flushed". With --hang it then waits to be killed,
// as a process that dies mid-call would.
//
//   call_feeder DATABASE_URL SCRIPT_FILE [--hang]
//
// Operations: {"op":"open_call","call":"c1","hotline":1,"caller":"0049…"|null,"at":MS}
//             {"op":"entry","call":"c1","type":"agent_dialed","at":MS,"userID":2,"agentPhoneID":3,"detail":"…"}
//             {"op":"close_call","call":"c1","outcome":"answered","at":MS,"answeredBy":{"userID":2,"agentPhoneID":3}}
//             {"op":"open_leg","leg":"l1","call":"c1","direction":"inbound","from":"…"|null,"to":"…","at":MS,
//              "userID":2,"agentPhoneID":3}   (the last two on legs to an agent's phone)
//             {"op":"answer_leg","leg":"l1","at":MS}
//             {"op":"close_leg","leg":"l1","disposition":"answered","sipStatus":200,"at":MS,
//              "packetLoss":0.01,"jitterMs":20}   (the last two optional, together)
//             {"op":"voicemail","call":"c1","folder":"/…/voicemails","ms":1500,"at":MS}
//              (a message left in the call: `ms` of a tone written into the voicemail folder by
//              the service's own recording code, its row through the sink, as the engine does)
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/voicemail_folder.hpp"
#include "app/group_commit_call_event_sink.hpp"
#include "domain/voicemail/voicemail.hpp"

namespace {

using nlohmann::json;

template <typename T>
std::optional<T> Optional(const json& op, const char* key) {
  if (!op.contains(key) || op[key].is_null()) return std::nullopt;
  return op[key].get<T>();
}

fr::Timestamp At(const json& op) { return fr::FromEpochMillis(op.at("at").get<std::int64_t>()); }

class ScriptPlayer {
 public:
  explicit ScriptPlayer(fr::CallEventSink& sink) : sink_(sink) {}

  void Play(const json& op) {
    const std::string name = op.at("op");
    if (name == "open_call") {
      calls_[op.at("call")] = sink_.OpenCall(fr::HotlineId(op.at("hotline").get<std::int64_t>()),
                                             Optional<std::string>(op, "caller"), At(op));
    } else if (name == "entry") {
      fr::CallEntry entry;
      entry.time = At(op);
      entry.type = fr::ParseCallEntryType(op.at("type").get<std::string>()).value();
      if (const auto user = Optional<std::int64_t>(op, "userID")) entry.user = fr::UserId(*user);
      if (const auto phone = Optional<std::int64_t>(op, "agentPhoneID")) {
        entry.agent_phone = fr::AgentPhoneId(*phone);
      }
      entry.detail = Optional<std::string>(op, "detail");
      sink_.AddEntry(calls_.at(op.at("call")), entry);
    } else if (name == "close_call") {
      std::optional<fr::AnsweredBy> answered_by;
      if (op.contains("answeredBy")) {
        answered_by = fr::AnsweredBy{fr::UserId(op["answeredBy"].at("userID").get<std::int64_t>()),
                                     fr::AgentPhoneId(op["answeredBy"].at("agentPhoneID").get<std::int64_t>())};
      }
      sink_.CloseCall(calls_.at(op.at("call")),
                      fr::ParseCallOutcome(op.at("outcome").get<std::string>()).value(), answered_by,
                      At(op));
    } else if (name == "open_leg") {
      std::optional<fr::AgentPhoneRef> agent;
      if (const auto user = Optional<std::int64_t>(op, "userID")) {
        agent = fr::AgentPhoneRef{fr::UserId(*user),
                                  fr::AgentPhoneId(op.at("agentPhoneID").get<std::int64_t>())};
      }
      legs_[op.at("leg")] = sink_.OpenLeg(
          calls_.at(op.at("call")), fr::ParseLegDirection(op.at("direction").get<std::string>()).value(),
          Optional<std::string>(op, "from"), op.at("to").get<std::string>(), At(op), agent);
    } else if (name == "answer_leg") {
      sink_.AnswerLeg(legs_.at(op.at("leg")), At(op));
    } else if (name == "close_leg") {
      std::optional<fr::LegQuality> quality;
      if (const auto loss = Optional<double>(op, "packetLoss")) {
        quality = fr::LegQuality{*loss, op.at("jitterMs").get<double>()};
      }
      sink_.CloseLeg(legs_.at(op.at("leg")),
                     fr::ParseLegDisposition(op.at("disposition").get<std::string>()).value(),
                     Optional<int>(op, "sipStatus"), At(op), quality);
    } else if (name == "voicemail") {
      LeaveVoicemail(op);
    } else {
      throw std::runtime_error("unknown op " + name);
    }
  }

 private:
  // Records `ms` milliseconds of a 440 Hz tone as the engine's recording thread would: the row
  // first (recording), the file made whole, then the row finished with its playing time.
  void LeaveVoicemail(const json& op) {
    auto folder = fr::VoicemailFolder::Open(op.at("folder").get<std::string>());
    if (!folder.ok()) throw std::runtime_error("voicemail folder: " + folder.error().detail);
    const std::string file = fr::VoicemailFileName("feeder", std::random_device()());
    const fr::CallHandle call = calls_.at(op.at("call"));
    sink_.StartVoicemail(call, file, At(op));
    auto recording = (*folder)->Create(file);
    if (!recording.ok()) throw std::runtime_error("recording: " + recording.error().detail);
    const std::int64_t ms = op.at("ms").get<std::int64_t>();
    std::vector<std::int16_t> samples(static_cast<std::size_t>(ms * 8));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const double seconds = static_cast<double>(i) / 8000;
      samples[i] = static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * 440 * seconds));
    }
    if (const fr::Status appended = (*recording)->Append(samples); !appended.ok()) {
      throw std::runtime_error("recording: " + appended.error().detail);
    }
    const auto duration = (*recording)->Commit();
    if (!duration.ok()) throw std::runtime_error("recording: " + duration.error().detail);
    sink_.FinishVoicemail(call, file, *duration, At(op) + std::chrono::milliseconds(ms));
  }

  fr::CallEventSink& sink_;
  std::map<std::string, fr::CallHandle> calls_;
  std::map<std::string, fr::LegHandle> legs_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: call_feeder DATABASE_URL SCRIPT_FILE [--hang]\n");
    return 2;
  }
  const bool hang = argc > 3 && std::string(argv[3]) == "--hang";
  auto database = fr::Database::Open(argv[1], 2);
  if (!database.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", argv[1], database.error().detail.c_str());
    return 1;
  }
  std::ifstream script_file(argv[2]);
  const json script = json::parse(script_file);
  fr::SociCallLogRepository store(**database);
  fr::GroupCommitCallEventSink sink(store, fr::GroupCommitOptions{});
  ScriptPlayer player(sink);
  for (const json& op : script) player.Play(op);
  if (const fr::Status flushed = sink.Flush(std::chrono::seconds(30)); !flushed.ok()) {
    std::fprintf(stderr, "flush failed: %s\n", flushed.error().detail.c_str());
    return 1;
  }
  std::cout << "flushed" << std::endl;
  while (hang) std::this_thread::sleep_for(std::chrono::hours(1));
  return sink.Stop(std::chrono::seconds(10)) == 0 ? 0 : 1;
}
