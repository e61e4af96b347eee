#pragma once

#include <optional>
#include <vector>

#include "common/result.hpp"
#include "domain/agent_phone/agent_phone.hpp"

namespace fr {

// Port: where agent phones live. Thread-safe. Every method may fail with kUnavailable or
// kInternal; other errors are listed per method.
class AgentPhoneRepository {
 public:
  virtual ~AgentPhoneRepository() = default;
  // The user's phones, ordered by id.
  virtual Result<std::vector<AgentPhone>> ListByOwner(UserId owner) = 0;
  virtual Result<std::optional<AgentPhone>> Find(AgentPhoneId id) = 0;
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
