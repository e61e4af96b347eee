#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// An organisation's account with the SIP carrier: who pays for the numbers, and where the
// organisation is (its city decides which local number a hotline gets). One per organisation.
struct SipCustomer {
  OrganizationId organization_id;
  std::string name;                    // 1..200
  std::string street;                  // 1..200
  std::int64_t street_housenumber = 0;  // >= 1
  std::string city_code;               // postal code: 1..10 of letters, digits, space, dash
  std::string city;                    // 1..100
  std::string country;                 // ISO 3166-1 alpha-2, upper case, known to the plan
  Timestamp created_at;
};

// Validates and normalises (trims) every field; the organisation and housenumber range are
// checked here too. Errors: kInvalidArgument with one FieldError per bad field.
Result<SipCustomer> ValidateSipCustomer(SipCustomer draft, const NumberingPlan& plan);

// Port: SIP customer accounts. Thread-safe; may fail with kUnavailable or kInternal.
class SipCustomerRepository {
 public:
  virtual ~SipCustomerRepository() = default;
  // Errors: kAlreadyExists when the organisation has an account.
  virtual Status Create(const SipCustomer& customer) = 0;
  virtual Result<std::optional<SipCustomer>> FindByOrganization(OrganizationId organization) = 0;
};

}  // namespace fr
