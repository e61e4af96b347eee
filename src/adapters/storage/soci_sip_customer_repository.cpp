#include "adapters/storage/soci_agent_phone_repository.hpp"

namespace fr {
namespace {

constexpr const char* kInsert =
    "INSERT INTO sip_customers (organization_id, name, street, street_housenumber, city_code,"
    " city, country, created_at) VALUES (:organization_id, :name, :street, :street_housenumber,"
    " :city_code, :city, :country, :created_at)";
constexpr const char* kSelect =
    "SELECT name, street, street_housenumber, city_code, city, country, created_at"
    " FROM sip_customers WHERE organization_id = :organization_id";

}  // namespace

Status SociSipCustomerRepository::Create(const SipCustomer& customer) {
  return database_.Run("create sip customer", [&](soci::session& session) {
    SipCustomer row = customer;
    long long organization = row.organization_id.value;
    long long housenumber = row.street_housenumber;
    long long created_at = ToEpochMillis(row.created_at);
    session << kInsert, soci::use(organization), soci::use(row.name), soci::use(row.street),
        soci::use(housenumber), soci::use(row.city_code), soci::use(row.city),
        soci::use(row.country), soci::use(created_at);
  });
}

Result<std::optional<SipCustomer>> SociSipCustomerRepository::FindByOrganization(
    OrganizationId organization) {
  return database_.Run("find sip customer",
                       [&](soci::session& session) -> std::optional<SipCustomer> {
                         long long key = organization.value;
                         SipCustomer customer;
                         long long housenumber = 0;
                         long long created_at = 0;
                         session << kSelect, soci::use(key), soci::into(customer.name),
                             soci::into(customer.street), soci::into(housenumber),
                             soci::into(customer.city_code), soci::into(customer.city),
                             soci::into(customer.country), soci::into(created_at);
                         if (!session.got_data()) return std::nullopt;
                         customer.organization_id = organization;
                         customer.street_housenumber = housenumber;
                         customer.created_at = FromEpochMillis(created_at);
                         return customer;
                       });
}

}  // namespace fr
