#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/call_log/call_events.hpp"

namespace fr::telephony::testing {

// A CallEventSink that keeps every event in order, for assertions. Handles count from 1.
class RecordingCallEventSink final : public CallEventSink {
 public:
  CallHandle OpenCall(HotlineId hotline, std::optional<std::string> caller, Timestamp at) override {
    const CallHandle call{++last_call_};
    events.push_back(CallOpened{call, hotline, std::move(caller), at});
    return call;
  }
  void AddEntry(CallHandle call, CallEntry entry) override {
    events.push_back(CallEntryAdded{call, std::move(entry)});
  }
  void CloseCall(CallHandle call, CallOutcome outcome, std::optional<AnsweredBy> answered_by,
                 Timestamp at) override {
    events.push_back(CallClosed{call, outcome, answered_by, at});
  }
  LegHandle OpenLeg(CallHandle call, LegDirection direction, std::optional<std::string> from,
                    std::string to, Timestamp at, std::optional<AgentPhoneRef> agent) override {
    const LegHandle leg{++last_leg_};
    events.push_back(LegOpened{leg, call, direction, std::move(from), std::move(to), at, agent});
    return leg;
  }
  void AnswerLeg(LegHandle leg, Timestamp at) override { events.push_back(LegAnswered{leg, at}); }
  void CloseLeg(LegHandle leg, LegDisposition disposition, std::optional<int> sip_status,
                Timestamp at, std::optional<LegQuality> quality) override {
    events.push_back(LegClosed{leg, disposition, sip_status, at, quality});
  }
  void StartVoicemail(CallHandle call, std::string file, Timestamp at) override {
    events.push_back(VoicemailStarted{call, std::move(file), at});
  }
  void FinishVoicemail(CallHandle call, std::string file,
                       std::optional<std::chrono::milliseconds> duration,
                       Timestamp at) override {
    events.push_back(VoicemailFinished{call, std::move(file), duration, at});
  }
  Status Flush(std::chrono::milliseconds) override { return Ok(); }

  // The entries of `call`, in order.
  std::vector<CallEntry> Entries(CallHandle call = CallHandle{1}) const {
    std::vector<CallEntry> entries;
    for (const CallEvent& event : events) {
      const auto* added = std::get_if<CallEntryAdded>(&event);
      if (added && added->call == call) entries.push_back(added->entry);
    }
    return entries;
  }
  std::vector<CallEntryType> EntryTypes(CallHandle call = CallHandle{1}) const {
    std::vector<CallEntryType> types;
    for (const CallEntry& entry : Entries(call)) types.push_back(entry.type);
    return types;
  }
  std::optional<CallClosed> Closed(CallHandle call = CallHandle{1}) const {
    for (const CallEvent& event : events) {
      const auto* closed = std::get_if<CallClosed>(&event);
      if (closed && closed->call == call) return *closed;
    }
    return std::nullopt;
  }
  // The record of the leg of `call` to `to` (the hotline's number for the caller's leg).
  std::optional<LegHandle> LegTo(const std::string& to, CallHandle call = CallHandle{1}) const {
    for (const CallEvent& event : events) {
      const auto* opened = std::get_if<LegOpened>(&event);
      if (opened && opened->call == call && opened->to == to) return opened->leg;
    }
    return std::nullopt;
  }
  std::optional<LegClosed> LegClosedOf(LegHandle leg) const {
    for (const CallEvent& event : events) {
      const auto* closed = std::get_if<LegClosed>(&event);
      if (closed && closed->leg == leg) return *closed;
    }
    return std::nullopt;
  }
  bool LegAnsweredOf(LegHandle leg) const {
    return std::any_of(events.begin(), events.end(), [&](const CallEvent& event) {
      const auto* answered = std::get_if<LegAnswered>(&event);
      return answered && answered->leg == leg;
    });
  }
  int CallsOpened() const { return static_cast<int>(last_call_); }

  std::vector<CallEvent> events;

 private:
  std::uint64_t last_call_ = 0, last_leg_ = 0;
};

}  // namespace fr::telephony::testing
