#pragma once

#include <optional>
#include <vector>

#include "common/result.hpp"
#include "domain/agent_phone/agent_phone.hpp"

namespace fr {

// An active phone of one of a hotline's agents, as routing reads it for a call.
struct AgentPhoneToRing {
  AgentPhone phone;
  bool is_service_number = false;  // its number is in the service's number inventory
};

// Port: where agent phones live. Thread-safe. Every method may fail with kUnavailable or
// kInternal; other errors are listed per method.
class AgentPhoneRepository {
 public:
  virtual ~AgentPhoneRepository() = default;
  // The user's phones, ordered by id.
  virtual Result<std::vector<AgentPhone>> ListByOwner(UserId owner) = 0;
  virtual Result<std::optional<AgentPhone>> Find(AgentPhoneId id) = 0;
  // The active phones of hotline `hotline`'s agents, in one read (this runs for every call): in
  // the hotline's agent order, then by phone id, each marked if its number is one of the
  // service's own. Empty for a hotline without agents or an unknown one.
  virtual Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId hotline) = 0;
  // Stores a new phone (its id is ignored) and returns it with its id, atomically with the
  // checks. Errors: kAlreadyExists (the owner has this number already), kResourceExhausted
  // (the owner has kMaxAgentPhonesPerUser phones).
  virtual Result<AgentPhone> Create(const AgentPhone& phone) = 0;
  // Replaces name, phone and is_active of phone `phone.id` (the owner never changes).
  // Errors: kNotFound, kAlreadyExists (the owner has this number on another phone).
  virtual Status Update(const AgentPhone& phone) = 0;
  // Errors: kNotFound.
  virtual Status Delete(AgentPhoneId id) = 0;
};

}  // namespace fr
