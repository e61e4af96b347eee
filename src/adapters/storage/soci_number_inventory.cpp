#include "adapters/storage/city_key.hpp"
#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"

namespace fr {
namespace {

constexpr const char* kInsertNumber =
    "INSERT INTO phone_numbers (number, country, city, city_key) VALUES (:number, :country,"
    " :city, :city_key)";
constexpr const char* kSetRouting =
    "UPDATE phone_numbers SET routing_enabled = :enabled WHERE number = :number";
constexpr const char* kSelectRouting =
    "SELECT routing_enabled FROM phone_numbers WHERE number = :number";
constexpr const char* kCountNumber = "SELECT COUNT(*) FROM phone_numbers WHERE number = :number";
constexpr const char* kSelectNumbers =
    "SELECT number, country, city, hotline_id, quarantined_until, routing_enabled"
    " FROM phone_numbers"
    " ORDER BY country, city_key, number";
constexpr const char* kSelectCountries =
    "SELECT DISTINCT country FROM phone_numbers ORDER BY country";
constexpr const char* kSelectCities = "SELECT DISTINCT city FROM phone_numbers";
constexpr const char* kSetCityKey = "UPDATE phone_numbers SET city_key = :key WHERE city = :city";

// The columns of kSelectNumbers, in order.
struct NumberRow {
  std::string number, country, city;
  Nullable<long long> hotline, quarantined_until;
  int routing_enabled = 0;

  auto Columns() {
    return std::tie(number, country, city, hotline, quarantined_until, routing_enabled);
  }

  // A quarantine that ended before `now` leaves the number free.
  InventoryNumber ToNumber(Timestamp now) const {
    InventoryNumber entry{
        number, country, city, NumberState::kFree, HotlineId{}, std::nullopt, routing_enabled != 0};
    const auto until = quarantined_until.ToOptional(FromEpochMillis);
    if (!hotline.is_null()) {
      entry.state = NumberState::kReserved;
      entry.hotline = HotlineId(hotline.value);
    } else if (until && *until > now) {
      entry.state = NumberState::kQuarantined;
      entry.quarantined_until = until;
    }
    return entry;
  }
};

}  // namespace

void RekeyCities(soci::session& session) {
  std::vector<std::string> cities;
  {
    soci::statement statement = OneUseStatement(session, kSelectCities);
    cities = ReadRows<std::string>(statement, std::identity());
  }
  for (std::string& city : cities) {
    std::string key = CityKey(city);
    session << kSetCityKey, soci::use(key), soci::use(city);
  }
}

Status SociNumberInventory::Add(const std::vector<std::string>& numbers,
                                const std::string& country, const std::string& city) {
  return database_.Run("add numbers", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    std::string country_value = country;
    std::string city_value = city;
    std::string city_key = CityKey(city);
    for (const std::string& number : numbers) {
      std::string value = number;
      session << kInsertNumber, soci::use(value), soci::use(country_value),
          soci::use(city_value), soci::use(city_key);
    }
    transaction.Commit();
  });
}

Result<std::vector<InventoryNumber>> SociNumberInventory::List(Timestamp now) {
  return database_.Run("list numbers", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectNumbers);
    return ReadRows<NumberRow>(statement, [&](const NumberRow& row) { return row.ToNumber(now); });
  });
}

Status SociRoutingTable::SetRouting(const std::string& number, bool enabled) {
  return database_.RunWrite("set routing", [&](soci::session& session) -> Status {
    int value = enabled ? 1 : 0;
    std::string key = number;
    soci::statement statement =
        (session.prepare << kSetRouting, soci::use(value), soci::use(key));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) {
      return Error::FailedPrecondition("The number " + number + " is not in the inventory.");
    }
    return Ok();
  });
}

Status SociRoutingTable::ActivateNumber(const std::string& number) {
  return SetRouting(number, true);
}

Status SociRoutingTable::DeactivateNumber(const std::string& number) {
  return SetRouting(number, false);
}

Result<bool> SociRoutingTable::IsRouted(const std::string& number) {
  return database_.Run("read routing", [&](soci::session& session) {
    return ReadValue<int>(session, kSelectRouting, number).value_or(0) != 0;
  });
}

Result<std::vector<std::string>> SociNumberInventory::Countries() {
  return database_.Run("list number countries", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectCountries);
    return ReadRows<std::string>(statement, std::identity());
  });
}

Result<bool> SociNumberInventory::Contains(const std::string& number) {
  return database_.Run("look up an inventory number", [&](soci::session& session) {
    return ReadValue<long long>(session, kCountNumber, number).value_or(0) > 0;
  });
}

}  // namespace fr
