#pragma once

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/sip_customer/sip_customer.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// Organisations' SIP customer accounts. Thread-safe.
class SipCustomerService {
 public:
  SipCustomerService(SipCustomerRepository& customers, OrganizationRepository& organizations,
                     const NumberingPlan& plan, const Clock& clock)
      : customers_(customers), organizations_(organizations), plan_(plan), clock_(clock) {}

  // Registers `draft.organization_id`'s account. Errors: kInvalidArgument (fields);
  // kNotFound (no such organisation, or the caller is not in it); kPermissionDenied (a member,
  // not an admin); kAlreadyExists (the organisation has an account).
  Status Register(const Principal& principal, const SipCustomer& draft);

  // Whether `organization` has an account. Errors: kNotFound (no such organisation, or the
  // caller is not in it).
  Result<bool> Exists(const Principal& principal, OrganizationId organization);

 private:
  SipCustomerRepository& customers_;
  OrganizationRepository& organizations_;
  const NumberingPlan& plan_;
  const Clock& clock_;
};

}  // namespace fr
