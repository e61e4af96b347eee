#include "domain/sip_customer/sip_customer.hpp"

#include <vector>

#include "common/validation.hpp"

namespace fr {
namespace {

bool IsPostalCodeChar(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
         ch == ' ' || ch == '-';
}

}  // namespace

Result<SipCustomer> ValidateSipCustomer(SipCustomer draft, const NumberingPlan& plan) {
  std::vector<FieldError> errors;
  auto name = CheckText("name", draft.name, 1, 200, errors);
  auto street = CheckText("street", draft.street, 1, 200, errors);
  auto city = CheckText("city", draft.city, 1, 100, errors);
  auto city_code = CheckText("cityCode", draft.city_code, 1, 10, errors);
  if (city_code) {
    for (const char ch : *city_code) {
      if (!IsPostalCodeChar(ch)) {
        errors.push_back({"cityCode", "may contain only letters, digits, spaces and dashes"});
        city_code.reset();
        break;
      }
    }
  }
  if (draft.street_housenumber < 1) {
    errors.push_back({"streetHousenumber", "must be an integer of at least 1"});
  }
  const bool country_form = draft.country.size() == 2 && draft.country[0] >= 'A' &&
                            draft.country[0] <= 'Z' && draft.country[1] >= 'A' &&
                            draft.country[1] <= 'Z';
  if (!country_form) {
    errors.push_back({"country", "must be an upper-case ISO 3166-1 alpha-2 code, e.g. DE"});
  } else if (!plan.IsKnownRegion(draft.country)) {
    errors.push_back({"country", "is not a known country code"});
  }
  if (!draft.organization_id.valid()) {
    errors.push_back({"organizationID", "must be a positive 64-bit integer"});
  }
  if (!errors.empty()) {
    return Error::InvalidArgument("The SIP customer account is invalid.", std::move(errors));
  }
  draft.name = std::move(*name);
  draft.street = std::move(*street);
  draft.city = std::move(*city);
  draft.city_code = std::move(*city_code);
  return draft;
}

}  // namespace fr
