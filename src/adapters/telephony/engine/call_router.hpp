#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/call_routing_service.hpp"
#include "common/result.hpp"
#include "domain/hotline/hotline.hpp"

namespace fr::telephony {

// Port: the routing answers the call control needs, read per call (so a change applies to the
// next call). They may read the database: call them on a WorkQueue, never on the control
// thread. Thread-safe. Production: ServiceCallRouter over CallRoutingService; tests: a fake.
class CallRouter {
 public:
  virtual ~CallRouter() = default;
  // The hotline `dialed` reaches. Errors: kNotFound (no hotline has the number);
  // kFailedPrecondition (paused or not active yet); anything else: storage failed.
  virtual Result<Hotline> ResolveInbound(std::string_view dialed) = 0;
  // The phones to ring, in order; refused ones carry AgentTarget::refusal.
  virtual Result<std::vector<AgentTarget>> PhonesToRing(const Hotline& hotline) = 0;
  // The caller's number in "00…" form; nullopt when withheld or not a number.
  virtual std::optional<std::string> CallerNumber(std::string_view caller,
                                                  const Hotline& hotline) = 0;
  // Whether the call goes on, is blocked, or meets a closed hotline (CallRoutingService::Admit).
  virtual CallAdmission Admit(const Hotline& hotline, const std::optional<std::string>& caller) = 0;
};

// The production router: CallRoutingService's answers, unchanged.
class ServiceCallRouter final : public CallRouter {
 public:
  explicit ServiceCallRouter(CallRoutingService& routing) : routing_(routing) {}
  Result<Hotline> ResolveInbound(std::string_view dialed) override {
    return routing_.ResolveInbound(dialed);
  }
  Result<std::vector<AgentTarget>> PhonesToRing(const Hotline& hotline) override {
    return routing_.PhonesToRing(hotline);
  }
  std::optional<std::string> CallerNumber(std::string_view caller,
                                          const Hotline& hotline) override {
    return routing_.CallerNumber(caller, hotline);
  }
  CallAdmission Admit(const Hotline& hotline, const std::optional<std::string>& caller) override {
    return routing_.Admit(hotline, caller);
  }

 private:
  CallRoutingService& routing_;
};

}  // namespace fr::telephony
