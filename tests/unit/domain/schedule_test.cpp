// Opening hours at their edges (decision 0042): the minute before and after, overnight ranges,
// closed dates, and the days daylight-saving time begins and ends in Europe/Berlin and
// America/New_York, where a fixed UTC offset would be an hour off.
#include "domain/hotline/schedule.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fr {
namespace {

Timestamp Utc(const std::string& text) {
  const auto parsed = ParseTimestamp(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Timestamp{});
}

int At(int hours, int minutes) { return hours * 60 + minutes; }

bool Open(const Schedule& schedule, const std::string& utc) {
  const auto open = IsOpenAt(schedule, Utc(utc));
  EXPECT_TRUE(open.ok()) << (open.ok() ? "" : open.error().detail);
  return open.ok() && *open;
}

struct Case {
  const char* utc;
  bool open;
  const char* local;  // what it is in the zone, for the failure message
};

void ExpectAll(const Schedule& schedule, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(Open(schedule, c.utc), c.open)
        << c.utc << " = " << c.local << " in " << schedule.time_zone;
  }
}

TEST(ScheduleTest, TheMinuteBeforeAndAfterARange) {
  // Monday 30 November 2026, Berlin in winter time (UTC+1).
  const Schedule evenings{"Europe/Berlin", {{Weekday::kMon, At(18, 0), At(23, 30)}}, {}};
  ExpectAll(evenings, {{"2026-11-30T16:59:00Z", false, "Mon 17:59"},
                       {"2026-11-30T16:59:59.999Z", false, "Mon 17:59:59.999"},
                       {"2026-11-30T17:00:00Z", true, "Mon 18:00"},
                       {"2026-11-30T22:29:59Z", true, "Mon 23:29:59"},
                       {"2026-11-30T22:30:00Z", false, "Mon 23:30"},
                       {"2026-12-01T17:00:00Z", false, "Tue 18:00"},
                       {"2026-12-07T17:00:00Z", true, "the next Mon 18:00"}});
  const Schedule whole_day{"Europe/Berlin", {{Weekday::kTue, At(0, 0), 24 * 60}}, {}};
  ExpectAll(whole_day, {{"2026-11-30T22:59:00Z", false, "Mon 23:59"},
                        {"2026-11-30T23:00:00Z", true, "Tue 00:00"},
                        {"2026-12-01T22:59:00Z", true, "Tue 23:59"},
                        {"2026-12-01T23:00:00Z", false, "Wed 00:00"}});
}

TEST(ScheduleTest, AnOvernightRangeRunsIntoTheNextDay) {
  const Schedule nights{"Europe/Berlin", {{Weekday::kFri, At(22, 0), At(6, 0)}}, {}};
  ExpectAll(nights, {{"2026-12-04T20:59:00Z", false, "Fri 21:59"},
                     {"2026-12-04T21:00:00Z", true, "Fri 22:00"},
                     {"2026-12-04T23:30:00Z", true, "Sat 00:30"},
                     {"2026-12-05T04:59:00Z", true, "Sat 05:59"},
                     {"2026-12-05T05:00:00Z", false, "Sat 06:00"},
                     {"2026-12-05T21:30:00Z", false, "Sat 22:30"},
                     {"2026-12-03T23:30:00Z", false, "Fri 00:30 (Thursday had no night)"}});
  const Schedule to_midnight{"Europe/Berlin", {{Weekday::kSun, At(20, 0), At(0, 0)}}, {}};
  ExpectAll(to_midnight, {{"2026-12-06T22:59:00Z", true, "Sun 23:59"},
                          {"2026-12-06T23:00:00Z", false, "Mon 00:00"}});
}

TEST(ScheduleTest, AClosedDateCancelsTheRangesThatStartOnIt) {
  const Schedule schedule{"Europe/Berlin",
                          {{Weekday::kThu, At(22, 0), At(6, 0)},
                           {Weekday::kFri, At(22, 0), At(6, 0)},
                           {Weekday::kMon, At(18, 0), At(23, 30)}},
                          {"2026-11-30", "2026-12-25"}};
  ExpectAll(schedule, {{"2026-11-30T17:00:00Z", false, "Mon 30 Nov 18:00, closed"},
                       {"2026-12-07T17:00:00Z", true, "Mon 7 Dec 18:00"},
                       // Thursday 24 December's night runs into the closed 25th: it happens.
                       {"2026-12-25T01:00:00Z", true, "Fri 25 Dec 02:00"},
                       {"2026-12-25T04:59:00Z", true, "Fri 25 Dec 05:59"},
                       {"2026-12-25T21:00:00Z", false, "Fri 25 Dec 22:00, closed"},
                       {"2026-12-26T01:00:00Z", false, "Sat 26 Dec 02:00, the 25th's night"},
                       {"2027-01-01T21:00:00Z", true, "Fri 1 Jan 22:00"}});
}

TEST(ScheduleTest, BerlinSpringForwardAndFallBack) {
  // Sunday 29 March 2026: at 01:00Z the clocks go from 02:00 CET to 03:00 CEST.
  const Schedule spring{"Europe/Berlin", {{Weekday::kSun, At(3, 0), At(4, 0)}}, {}};
  ExpectAll(spring, {{"2026-03-29T00:59:00Z", false, "01:59 CET"},
                     {"2026-03-29T01:00:00Z", true, "03:00 CEST (a fixed +1 would say 02:00)"},
                     {"2026-03-29T01:59:00Z", true, "03:59 CEST"},
                     {"2026-03-29T02:00:00Z", false, "04:00 CEST"}});
  // Sunday 25 October 2026: at 01:00Z the clocks go back from 03:00 CEST to 02:00 CET, so the
  // hour from 02:00 happens twice and is open both times.
  const Schedule fall{"Europe/Berlin", {{Weekday::kSun, At(2, 0), At(3, 0)}}, {}};
  ExpectAll(fall, {{"2026-10-24T23:59:00Z", false, "01:59 CEST"},
                   {"2026-10-25T00:00:00Z", true, "02:00 CEST"},
                   {"2026-10-25T00:59:00Z", true, "02:59 CEST"},
                   {"2026-10-25T01:00:00Z", true, "02:00 CET, again"},
                   {"2026-10-25T01:59:00Z", true, "02:59 CET"},
                   {"2026-10-25T02:00:00Z", false, "03:00 CET"}});
}

TEST(ScheduleTest, NewYorkSpringForwardAndFallBack) {
  // Sunday 8 March 2026: at 07:00Z the clocks go from 02:00 EST to 03:00 EDT.
  const Schedule mornings{
      "America/New_York",
      {{Weekday::kSat, At(8, 0), At(9, 0)}, {Weekday::kSun, At(8, 0), At(9, 0)}},
      {}};
  ExpectAll(mornings, {{"2026-03-07T12:59:00Z", false, "Sat 07:59 EST"},
                       {"2026-03-07T13:00:00Z", true, "Sat 08:00 EST"},
                       {"2026-03-08T11:59:00Z", false, "Sun 07:59 EDT"},
                       {"2026-03-08T12:00:00Z", true, "Sun 08:00 EDT (a fixed -5 would say 07:00)"},
                       {"2026-03-08T12:59:00Z", true, "Sun 08:59 EDT"},
                       {"2026-03-08T13:00:00Z", false, "Sun 09:00 EDT"}});
  // Sunday 1 November 2026: at 06:00Z the clocks go back from 02:00 EDT to 01:00 EST.
  const Schedule early{"America/New_York", {{Weekday::kSun, At(0, 0), At(1, 30)}}, {}};
  ExpectAll(early, {{"2026-11-01T05:29:00Z", true, "01:29 EDT"},
                    {"2026-11-01T05:30:00Z", false, "01:30 EDT"},
                    {"2026-11-01T06:00:00Z", true, "01:00 EST, again"},
                    {"2026-11-01T06:29:00Z", true, "01:29 EST"},
                    {"2026-11-01T06:30:00Z", false, "01:30 EST"}});
}

TEST(ScheduleTest, AZoneFarFromUtcIsOnAnotherDay) {
  // Kiritimati is UTC+14: Sunday 10:00Z is Monday 00:00 there.
  const Schedule schedule{"Pacific/Kiritimati", {{Weekday::kMon, At(0, 0), At(1, 0)}}, {}};
  ExpectAll(schedule, {{"2026-11-29T09:59:00Z", false, "Sun 23:59"},
                       {"2026-11-29T10:00:00Z", true, "Mon 00:00"}});
  EXPECT_FALSE(Open(Schedule{"Pacific/Kiritimati", {}, {}}, "2026-11-29T10:00:00Z"))
      << "no ranges: never open";
}

TEST(ScheduleTest, CheckNamesEveryBadFieldAndNormalisesDates) {
  ScheduleDraft draft;
  draft.time_zone = "Europe/Berlim";
  draft.weekly = {{"mon", "18:00", "23:30"},
                  {"Monday", "24:00", "25:00"},
                  {"tue", "7:00", "07:00"},
                  {"wed", "10:00", "10:00"}};
  draft.closed_dates = {"2026-02-30", "2026-12-24"};
  std::vector<FieldError> errors;
  EXPECT_FALSE(CheckSchedule("schedule", draft, errors).has_value());
  std::vector<std::string> fields;
  for (const FieldError& error : errors) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"schedule.timeZone", "schedule.weekly[1].day",
                                              "schedule.weekly[1].from", "schedule.weekly[1].to",
                                              "schedule.weekly[2].from", "schedule.weekly[3].to",
                                              "schedule.closedDates[0]"}));

  draft.time_zone = "America/New_York";
  draft.weekly = {{"sun", "00:00", "24:00"}, {"fri", "22:00", "06:00"}};
  draft.closed_dates = {"2026-12-31", "2026-12-24", "2026-12-31"};
  errors.clear();
  const auto schedule = CheckSchedule("schedule", draft, errors);
  ASSERT_TRUE(schedule.has_value()) << errors.front().field;
  EXPECT_EQ(schedule->closed_dates, (std::vector<std::string>{"2026-12-24", "2026-12-31"}));
  EXPECT_EQ(schedule->weekly[0], (OpeningRange{Weekday::kSun, 0, 24 * 60}));
  EXPECT_EQ(schedule->weekly[1], (OpeningRange{Weekday::kFri, At(22, 0), At(6, 0)}));
}

TEST(ScheduleTest, AZoneThatLeftTheDatabaseIsAnErrorNotAnAnswer) {
  const auto open = IsOpenAt(Schedule{"Europe/Atlantis", {}, {}}, Utc("2026-11-30T12:00:00Z"));
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace fr
