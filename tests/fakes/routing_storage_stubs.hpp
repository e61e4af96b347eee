#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "domain/agent_phone/agent_phone_repository.hpp"
#include "domain/hotline/hotline_repository.hpp"

namespace fr::testing {

// Agent phones and a number inventory for tests of the call routing, which must read little
// per call: every read a test does not expect fails it. Not thread-safe.

// Agent phones that must not be read: any call fails the test.
class UnusedAgentPhones : public AgentPhoneRepository {
 public:
  Result<std::vector<AgentPhone>> ListByOwner(UserId) override { return Unused(); }
  Result<std::optional<AgentPhone>> Find(AgentPhoneId) override { return Unused(); }
  Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId) override {
    return Unused();
  }
  Result<AgentPhone> Create(const AgentPhone&) override { return Unused(); }
  Result<AgentPhone> Update(const AgentPhone&) override { return Unused(); }
  Result<bool> SetVerification(AgentPhoneId, const std::string&, PhoneVerification) override {
    return Unused();
  }
  Status Delete(AgentPhoneId) override { return Unused(); }
  Result<std::int64_t> BeginVerification(const VerificationAttempt&,
                                         const VerificationLimits&) override {
    return Unused();
  }
  Result<bool> FinishVerification(std::int64_t, AgentPhoneId, const std::string&,
                                  PhoneVerification) override {
    return Unused();
  }

 private:
  static Error Unused() {
    ADD_FAILURE() << "the agent phones were read";
    return Error::Internal("unused");
  }
};

// The phones of `hotline` as the repository hands them over, in `phones`' order; counts the
// reads. A read of another hotline's phones, or any other read, fails the test.
class PhonesOfOneHotline final : public UnusedAgentPhones {
 public:
  explicit PhonesOfOneHotline(HotlineId hotline) : hotline_(hotline) {}

  Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId hotline) override {
    ++reads;
    EXPECT_EQ(hotline, hotline_);
    return phones;
  }

  std::vector<AgentPhoneToRing> phones;
  int reads = 0;

 private:
  HotlineId hotline_;
};

// An inventory that must not be read: any call fails the test.
class UnusedInventory : public NumberInventory {
 public:
  Status Add(const std::vector<std::string>&, const std::string&, const std::string&) override {
    return Unused();
  }
  Result<std::vector<InventoryNumber>> List(Timestamp) override { return Unused(); }
  Result<std::vector<std::string>> Countries() override { return Unused(); }
  Result<bool> Contains(const std::string&) override { return Unused(); }

 private:
  static Error Unused() {
    ADD_FAILURE() << "the inventory was read";
    return Error::Internal("unused");
  }
};

// An inventory that holds `own` (none when empty) and counts the lookups; any other read fails
// the test.
class CountingInventory final : public UnusedInventory {
 public:
  Result<bool> Contains(const std::string& number) override {
    ++lookups;
    return !own.empty() && number == own;
  }

  std::string own;
  int lookups = 0;
};

}  // namespace fr::testing
