#include "app/sip_customer_service.hpp"

#include "identity/authorization.hpp"

namespace fr {
namespace {

Error NoSuchOrganization() { return Error::NotFound("No such organization."); }

}  // namespace

Status SipCustomerService::Register(const Principal& principal, const SipCustomer& draft) {
  FR_ASSIGN_OR_RETURN(SipCustomer customer, ValidateSipCustomer(draft, plan_));
  const Access access = OrganizationResourceAccess(principal, customer.organization_id);
  if (!CanRead(access)) return NoSuchOrganization();
  if (!CanWrite(access)) {
    return Error::PermissionDenied("Only admins of the organization may register its account.");
  }
  FR_ASSIGN_OR_RETURN(const auto organization, organizations_.Find(customer.organization_id));
  if (!organization) return NoSuchOrganization();
  customer.created_at = clock_.Now();
  const Status created = customers_.Create(customer);
  if (!created.ok() && created.error().code == ErrorCode::kAlreadyExists) {
    return Error::AlreadyExists("The organization has a SIP customer account already.");
  }
  return created;
}

Result<bool> SipCustomerService::Exists(const Principal& principal, OrganizationId organization) {
  if (!CanRead(OrganizationResourceAccess(principal, organization))) return NoSuchOrganization();
  FR_ASSIGN_OR_RETURN(const auto customer, customers_.FindByOrganization(organization));
  return customer.has_value();
}

}  // namespace fr
