#pragma once

#include "adapters/storage/database.hpp"
#include "domain/agent_phone/agent_phone_repository.hpp"
#include "domain/sip_customer/sip_customer.hpp"

namespace fr {

// SOCI implementation of AgentPhoneRepository. Thread-safe.
class SociAgentPhoneRepository final : public AgentPhoneRepository {
 public:
  explicit SociAgentPhoneRepository(Database& database) : database_(database) {}
  Result<std::vector<AgentPhone>> ListByOwner(UserId owner) override;
  Result<std::optional<AgentPhone>> Find(AgentPhoneId id) override;
  Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId hotline) override;
  Result<AgentPhone> Create(const AgentPhone& phone) override;
  Result<AgentPhone> Update(const AgentPhone& phone) override;
  Result<bool> SetVerification(AgentPhoneId id, const std::string& number,
                               PhoneVerification verification) override;
  Status Delete(AgentPhoneId id) override;
  Result<std::int64_t> BeginVerification(const VerificationAttempt& attempt,
                                         const VerificationLimits& limits) override;
  Result<bool> FinishVerification(std::int64_t attempt, AgentPhoneId phone,
                                  const std::string& number, PhoneVerification outcome) override;

 private:
  Database& database_;
};

// SOCI implementation of SipCustomerRepository. Thread-safe.
class SociSipCustomerRepository final : public SipCustomerRepository {
 public:
  explicit SociSipCustomerRepository(Database& database) : database_(database) {}
  Status Create(const SipCustomer& customer) override;
  Result<std::optional<SipCustomer>> FindByOrganization(OrganizationId organization) override;

 private:
  Database& database_;
};

}  // namespace fr
