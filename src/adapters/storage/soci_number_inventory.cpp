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

}  // namespace

Status SociNumberInventory::Add(const std::vector<std::string>& numbers,
                                const std::string& country, const std::string& city) {
  return database_.Run("add numbers", [&](soci::session& session) {
    WriteTransaction transaction(session, database_.dialect());
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
    std::string number, country, city;
    long long hotline = 0, until = 0;
    int routed = 0;
    soci::indicator hotline_null = soci::i_ok, until_null = soci::i_ok;
    soci::statement statement =
        (session.prepare << kSelectNumbers, soci::into(number), soci::into(country),
         soci::into(city), soci::into(hotline, hotline_null), soci::into(until, until_null),
         soci::into(routed));
    std::vector<InventoryNumber> numbers;
    if (statement.execute(true)) {
      do {
        InventoryNumber entry{number,      country,      city, NumberState::kFree,
                              HotlineId{}, std::nullopt, routed != 0};
        if (hotline_null == soci::i_ok) {
          entry.state = NumberState::kReserved;
          entry.hotline = HotlineId(hotline);
        } else if (until_null == soci::i_ok && FromEpochMillis(until) > now) {
          entry.state = NumberState::kQuarantined;
          entry.quarantined_until = FromEpochMillis(until);
        }
        numbers.push_back(std::move(entry));
      } while (statement.fetch());
    }
    return numbers;
  });
}

Status SociRoutingTable::SetRouting(const std::string& number, bool enabled) {
  return database_.Run("set routing", [&](soci::session& session) -> Status {
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
    std::string key = number;
    int enabled = 0;
    session << kSelectRouting, soci::use(key), soci::into(enabled);
    return session.got_data() && enabled != 0;
  });
}

Result<std::vector<std::string>> SociNumberInventory::Countries() {
  return database_.Run("list number countries", [&](soci::session& session) {
    std::string country;
    soci::statement statement =
        (session.prepare << "SELECT DISTINCT country FROM phone_numbers ORDER BY country",
         soci::into(country));
    std::vector<std::string> countries;
    if (statement.execute(true)) {
      do {
        countries.push_back(country);
      } while (statement.fetch());
    }
    return countries;
  });
}

Result<bool> SociNumberInventory::Contains(const std::string& number) {
  return database_.Run("look up an inventory number", [&](soci::session& session) {
    std::string key = number;
    long long count = 0;
    session << kCountNumber, soci::use(key), soci::into(count);
    return count > 0;
  });
}

}  // namespace fr
