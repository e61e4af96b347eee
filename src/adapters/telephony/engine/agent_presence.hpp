#pragma once

#include <map>
#include <mutex>
#include <string>

namespace fr::telephony {

// Port: which phones are in a call of this service right now (a leg to or from them answered
// and not yet ended; merely ringing does not count), so that a volunteer on a call is never rung
// for another one. Numbers in the API's "00…" form. Thread-safe.
//
// One process counts its own calls (InProcessAgentPresence). With several nodes on one database
// this becomes shared state behind the same port.
class AgentPresence {
 public:
  virtual ~AgentPresence() = default;
  virtual bool InCall(const std::string& number) const = 0;
  // A leg with `number` was answered; every Joined is matched by exactly one Left.
  virtual void Joined(const std::string& number) = 0;
  virtual void Left(const std::string& number) = 0;
};

// AgentPresence for the calls of this process: a count per number.
class InProcessAgentPresence final : public AgentPresence {
 public:
  bool InCall(const std::string& number) const override {
    std::lock_guard lock(mu_);
    return legs_.contains(number);
  }
  void Joined(const std::string& number) override {
    std::lock_guard lock(mu_);
    ++legs_[number];
  }
  void Left(const std::string& number) override {
    std::lock_guard lock(mu_);
    const auto found = legs_.find(number);
    if (found != legs_.end() && --found->second <= 0) legs_.erase(found);
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int> legs_;  // Guarded by mu_. Only numbers in a call (count > 0).
};

}  // namespace fr::telephony
