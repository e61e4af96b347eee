#include "adapters/storage/row_reader.hpp"
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

// The columns of kSelect, in order.
struct SipCustomerRow {
  std::string name, street, city_code, city, country;
  long long street_housenumber = 0, created_at = 0;

  auto Columns() {
    return std::tie(name, street, street_housenumber, city_code, city, country, created_at);
  }
  SipCustomer ToSipCustomer(OrganizationId organization) const {
    return SipCustomer{organization, name, street,  street_housenumber,
                       city_code,    city, country, FromEpochMillis(created_at)};
  }
};

}  // namespace

Status SociSipCustomerRepository::Create(const SipCustomer& customer) {
  return database_.RunWrite("create sip customer", [&](soci::session& session) {
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
  return database_.Run("find sip customer", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelect);
    return ReadFirstRow<SipCustomerRow>(
        statement, [&](const SipCustomerRow& row) { return row.ToSipCustomer(organization); },
        organization.value);
  });
}

}  // namespace fr
