#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

// A call in progress as the live view shows it (issue #16 §2, decision 0062), derived from what
// the nodes stored of it: its open call log with its entries, and its legs to agents' phones.

enum class LiveCallPhase {
  kGreeting,    // the caller hears the greeting; no phone rings yet
  kRinging,     // agents' phones ring (or rang: nobody has answered yet)
  kConfirming,  // an agent's phone answered and the service waits for the key 1 (confirmAnswer)
  kBridged,     // caller and agent talk
};
const char* LiveCallPhaseName(LiveCallPhase phase);  // "greeting", …

// An agent's phone in a call, and since when it is in its state.
struct LivePhone {
  UserId user;
  AgentPhoneId agent_phone;
  Timestamp since;
};

struct LiveCall {
  CallLogId id;
  HotlineId hotline;
  Timestamp start_time;
  std::optional<std::string>
      caller;  // "00…"; empty when withheld, or when the reader may not see it
  LiveCallPhase phase = LiveCallPhase::kGreeting;
  Timestamp phase_since;
  std::vector<LivePhone> ringing;       // phones ringing now, by when they started
  std::optional<LivePhone> confirming;  // the phone that answered and must press 1
  std::optional<LivePhone> connected;   // the agent the caller talks to
  std::vector<UserId> agents;           // every agent whose phone the call reached, by id
};

// What the store keeps of an open call: the log with its entries, and its legs to agents.
struct OpenCallRecord {
  CallLog log;
  std::vector<TelephoneRecord> agent_legs;  // in the order they were opened
};

// The live view of `record`. `confirm_answer`: whether the hotline makes agents press 1 (without
// it an answered phone is connected at once, so it never shows as confirming).
LiveCall DescribeLiveCall(const OpenCallRecord& record, bool confirm_answer);

// Port: the calls in progress of a hotline, whichever node took them. Thread-safe.
// Errors: kUnavailable, kInternal.
class LiveCallSource {
 public:
  virtual ~LiveCallSource() = default;
  // The open calls of `hotline`, oldest first, at most `limit`.
  virtual Result<std::vector<OpenCallRecord>> OpenCalls(HotlineId hotline, int limit) = 0;
};

}  // namespace fr
