#include "adapters/storage/soci_hotline_repository.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "adapters/storage/city_key.hpp"
#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/webhook_outbox.hpp"

namespace fr {
namespace {

constexpr const char* kHotlineColumns =
    "SELECT id, organization_id, name, channels_inbound, channels_outbound, is_active,"
    " tts_inbound, tts_outbound, confirm_answer, number, status, status_detail, version,"
    " created_at, updated_at, language, closed_action, tts_closed, reject_anonymous, time_zone,"
    " no_answer_action, no_answer_tts_voicemail, no_answer_max_seconds, no_answer_forward_to,"
    " closed_tts_voicemail, closed_max_seconds, closed_forward_to"
    " FROM hotlines";
constexpr const char* kCountByOrganization =
    "SELECT COUNT(*) FROM hotlines WHERE organization_id = :organization_id";
constexpr const char* kSelectFreeNumber =
    "SELECT number FROM phone_numbers WHERE country = :country AND city_key = :city_key"
    " AND hotline_id IS NULL AND (quarantined_until IS NULL OR quarantined_until <= :now)"
    " ORDER BY number LIMIT 1";
// On PostgreSQL several nodes create hotlines at once: the number found stays locked until the
// reservation commits, and one a concurrent creation has locked is passed over (a plain FOR
// UPDATE would wait for it and then find nothing). SQLite's write transaction is exclusive.
constexpr const char* kSkipLockedPostgresql = " FOR UPDATE SKIP LOCKED";
// Serialises the creations of one organisation's hotlines across nodes, so that the count
// checked against the maximum stays true until the commit (a key-preserving lock: inserts that
// reference the organisation go on).
constexpr const char* kLockOrganizationPostgresql =
    "SELECT id FROM organizations WHERE id = :id FOR NO KEY UPDATE";
constexpr const char* kReserveNumber =
    "UPDATE phone_numbers SET hotline_id = :hotline_id, quarantined_until = NULL"
    " WHERE number = :number";
constexpr const char* kQuarantineNumber =
    "UPDATE phone_numbers SET hotline_id = NULL, quarantined_until = :until, routing_enabled = 0"
    " WHERE hotline_id = :hotline_id";
constexpr const char* kInsertHotline =
    "INSERT INTO hotlines (organization_id, name, channels_inbound, channels_outbound, is_active,"
    " tts_inbound, tts_outbound, confirm_answer, number, status, status_detail, version,"
    " created_at, updated_at, language, closed_action, tts_closed, reject_anonymous, time_zone,"
    " no_answer_action, no_answer_tts_voicemail, no_answer_max_seconds, no_answer_forward_to,"
    " closed_tts_voicemail, closed_max_seconds, closed_forward_to)"
    " VALUES (:organization_id, :name, :channels_inbound, :channels_outbound, :is_active,"
    " :tts_inbound, :tts_outbound, :confirm_answer, :number, :status, :status_detail, 1, :now,"
    " :now2, :language, :closed_action, :tts_closed, :reject_anonymous, :time_zone,"
    " :no_answer_action, :no_answer_tts_voicemail, :no_answer_max_seconds,"
    " :no_answer_forward_to, :closed_tts_voicemail, :closed_max_seconds, :closed_forward_to)"
    " RETURNING id";
constexpr const char* kUpdateHotline =
    "UPDATE hotlines SET name = :name, channels_inbound = :channels_inbound,"
    " channels_outbound = :channels_outbound, is_active = :is_active, tts_inbound = :tts_inbound,"
    " tts_outbound = :tts_outbound, confirm_answer = :confirm_answer, status = :status,"
    " status_detail = :status_detail, language = :language, closed_action = :closed_action,"
    " tts_closed = :tts_closed, reject_anonymous = :reject_anonymous, time_zone = :time_zone,"
    " no_answer_action = :no_answer_action, no_answer_tts_voicemail = :no_answer_tts_voicemail,"
    " no_answer_max_seconds = :no_answer_max_seconds, no_answer_forward_to = :no_answer_forward_to,"
    " closed_tts_voicemail = :closed_tts_voicemail, closed_max_seconds = :closed_max_seconds,"
    " closed_forward_to = :closed_forward_to,"
    " version = version + 1, updated_at = :now WHERE id = :id";
constexpr const char* kDeleteHotline = "DELETE FROM hotlines WHERE id = :id";
constexpr const char* kInsertAgent =
    "INSERT INTO hotline_agents (hotline_id, position, user_id) VALUES (:hotline_id, :position,"
    " :user_id)";
constexpr const char* kDeleteAgents = "DELETE FROM hotline_agents WHERE hotline_id = :hotline_id";
// What an update compares with, to rewrite only the rows that change.
constexpr const char* kSelectOpeningRanges =
    "SELECT day, from_minute, to_minute FROM hotline_opening_hours WHERE hotline_id = :hotline_id"
    " ORDER BY position";
constexpr const char* kSelectClosedDates =
    "SELECT closed_date FROM hotline_closed_dates WHERE hotline_id = :hotline_id"
    " ORDER BY closed_date";
// Per agent, whether they have an active phone, and an active verified one (agentsReady).
#define FR_AGENT_READINESS_COLUMNS                                              \
  " CASE WHEN EXISTS (SELECT 1 FROM agent_phones p WHERE p.user_id = a.user_id" \
  " AND p.is_active = 1) THEN 1 ELSE 0 END,"                                    \
  " CASE WHEN EXISTS (SELECT 1 FROM agent_phones p WHERE p.user_id = a.user_id" \
  " AND p.is_active = 1 AND p.verification = 'verified') THEN 1 ELSE 0 END"
constexpr const char* kSelectAgents =
    "SELECT a.user_id," FR_AGENT_READINESS_COLUMNS
    " FROM hotline_agents a WHERE a.hotline_id = :hotline_id ORDER BY a.position";
// The agents of one organisation's hotlines whose ids lie in a range: the organisation's
// hotlines are found through hotlines_by_organization, so hotlines of other organisations with
// ids in between are never read, however many there are.
constexpr const char* kSelectAgentsInRange =
    "SELECT a.hotline_id, a.user_id," FR_AGENT_READINESS_COLUMNS
    " FROM hotlines h"
    " JOIN hotline_agents a ON a.hotline_id = h.id"
    " WHERE h.organization_id = :organization_id AND h.id BETWEEN :low AND :high"
    " ORDER BY h.id, a.position";
constexpr const char* kInsertOpeningRange =
    "INSERT INTO hotline_opening_hours (hotline_id, position, day, from_minute, to_minute)"
    " VALUES (:hotline_id, :position, :day, :from_minute, :to_minute)";
constexpr const char* kDeleteOpeningHours =
    "DELETE FROM hotline_opening_hours WHERE hotline_id = :hotline_id";
// The schedules of hotlines whose ids lie in a range; of one organisation's only, found as in
// kSelectAgentsInRange, when the hotlines read are one organisation's (%OF_ONE%).
constexpr const char* kSelectOpeningHoursInRange =
    "SELECT o.hotline_id, o.day, o.from_minute, o.to_minute FROM hotlines h"
    " JOIN hotline_opening_hours o ON o.hotline_id = h.id"
    " WHERE h.id BETWEEN :low AND :high%OF_ONE% ORDER BY o.hotline_id, o.position";
constexpr const char* kInsertClosedDate =
    "INSERT INTO hotline_closed_dates (hotline_id, closed_date) VALUES (:hotline_id, :closed_date)";
constexpr const char* kDeleteClosedDates =
    "DELETE FROM hotline_closed_dates WHERE hotline_id = :hotline_id";
constexpr const char* kSelectClosedDatesInRange =
    "SELECT c.hotline_id, c.closed_date FROM hotlines h"
    " JOIN hotline_closed_dates c ON c.hotline_id = h.id"
    " WHERE h.id BETWEEN :low AND :high%OF_ONE% ORDER BY c.hotline_id, c.closed_date";
constexpr const char* kOfOneOrganization = " AND h.organization_id = :organization_id";

// A schedule query for hotlines of one organisation, or of any.
std::string ScheduleQuery(const char* sql, bool of_one_organization) {
  std::string query = sql;
  const auto at = query.find("%OF_ONE%");
  query.replace(at, 8, of_one_organization ? kOfOneOrganization : "");
  return query;
}
constexpr const char* kRemoveAgentFromOrganization =
    "DELETE FROM hotline_agents WHERE user_id = :user_id AND hotline_id IN"
    " (SELECT id FROM hotlines WHERE organization_id = :organization_id)";
constexpr const char* kTransitionStatus =
    "UPDATE hotlines SET status = :to, status_detail = :detail, version = version + 1,"
    " updated_at = :now WHERE id = :id AND status = :from";
// The provisioning worker of every node claims its jobs: hotlines no other worker holds, locked
// on PostgreSQL so that a concurrent claim passes them over, then read back by their holder.
constexpr const char* kClaimableHotlines =
    " FROM hotlines WHERE status IN ('created', 'provisioning')"
    " AND (provisioning_until IS NULL OR provisioning_until < :now OR provisioning_node = :worker2)";
constexpr const char* kClaimProvisioning =
    "UPDATE hotlines SET provisioning_node = :worker, provisioning_until = :until"
    " WHERE id IN (SELECT id";
constexpr const char* kClaimProvisioningOrder = " ORDER BY updated_at, id LIMIT :limit";
constexpr const char* kClaimed =
    " WHERE provisioning_node = :worker AND provisioning_until = :until"
    " AND status IN ('created', 'provisioning') ORDER BY updated_at, id";
constexpr const char* kInsertStatusEvent =
    "INSERT INTO hotline_status_events (hotline_id, status, detail, at)"
    " VALUES (:hotline_id, :status, :detail, :at)";

// The columns of kHotlineColumns, in order.
struct HotlineRow {
  long long id = 0, organization_id = 0, version = 0, created_at = 0, updated_at = 0;
  int channels_inbound = 0, channels_outbound = 0, is_active = 0, confirm_answer = 1;
  int reject_anonymous = 0, no_answer_max_seconds = 0, closed_max_seconds = 0;
  std::string name, tts_inbound, tts_outbound, number, status, status_detail;
  std::string language, closed_action, tts_closed, time_zone;
  std::string no_answer_action, no_answer_tts_voicemail, no_answer_forward_to;
  std::string closed_tts_voicemail, closed_forward_to;

  auto Columns() {
    return std::tie(id, organization_id, name, channels_inbound, channels_outbound, is_active,
                    tts_inbound, tts_outbound, confirm_answer, number, status, status_detail,
                    version, created_at, updated_at, language, closed_action, tts_closed,
                    reject_anonymous, time_zone, no_answer_action, no_answer_tts_voicemail,
                    no_answer_max_seconds, no_answer_forward_to, closed_tts_voicemail,
                    closed_max_seconds, closed_forward_to);
  }

  static Fallback ToFallback(const std::string& action, const std::string& tts_voicemail,
                             int max_seconds, const std::string& forward_to) {
    return {ParseFallbackAction(action).value_or(FallbackAction::kMessage), tts_voicemail,
            max_seconds, forward_to};
  }

  Hotline ToHotline() const {
    Hotline hotline;
    hotline.id = HotlineId(id);
    hotline.organization_id = OrganizationId(organization_id);
    hotline.name = name;
    hotline.channels_inbound = channels_inbound;
    hotline.channels_outbound = channels_outbound;
    hotline.is_active = is_active != 0;
    hotline.tts_inbound = tts_inbound;
    hotline.tts_outbound = tts_outbound;
    hotline.confirm_answer = confirm_answer != 0;
    hotline.number = number;
    hotline.status = ParseHotlineStatus(status).value_or(HotlineStatus::kFailed);
    hotline.status_detail = status_detail;
    hotline.version = version;
    hotline.created_at = FromEpochMillis(created_at);
    hotline.updated_at = FromEpochMillis(updated_at);
    hotline.language = language;
    hotline.no_answer = ToFallback(no_answer_action, no_answer_tts_voicemail,
                                   no_answer_max_seconds, no_answer_forward_to);
    hotline.closed =
        ToFallback(closed_action, closed_tts_voicemail, closed_max_seconds, closed_forward_to);
    hotline.tts_closed = tts_closed;
    hotline.reject_anonymous = reject_anonymous != 0;
    // The ranges and dates are filled by SelectSchedulesOf.
    if (!time_zone.empty()) hotline.schedule = Schedule{time_zone, {}, {}};
    return hotline;
  }
};

// Adds one agent, as kSelectAgents reads it, to `hotline`.
void AddAgent(Hotline& hotline, long long user, int has_active_phone, int has_verified_phone) {
  hotline.agents.push_back(UserId(user));
  hotline.agents_with_active_phone += has_active_phone;
  hotline.agents_with_verified_phone += has_verified_phone;
}

// Fills the agents of `hotline`, with how many of them have an active (verified) phone.
void SelectAgents(Database& database, soci::session& session, Hotline& hotline) {
  hotline.agents.clear();
  hotline.agents_with_active_phone = hotline.agents_with_verified_phone = 0;
  PreparedStatement statement(database, session, kSelectAgents);
  std::tuple<long long, int, int> agent;  // user id, has an active phone, a verified one
  ForEachRow(
      *statement, agent,
      [&](const auto& row) {
        const auto& [user, active, verified] = row;
        AddAgent(hotline, user, active, verified);
      },
      hotline.id.value);
}

// Fills the agents of `hotlines`: for a page of one organisation's hotlines, one query over the
// range of their ids rather than one per hotline.
// Whether `hotlines` (not empty) all belong to one organisation.
bool OfOneOrganization(const std::vector<Hotline>& hotlines) {
  return std::all_of(hotlines.begin(), hotlines.end(), [&](const Hotline& hotline) {
    return hotline.organization_id == hotlines.front().organization_id;
  });
}

void SelectAgentsOf(Database& database, soci::session& session, std::vector<Hotline>& hotlines) {
  if (hotlines.size() <= 1 || !OfOneOrganization(hotlines)) {
    for (Hotline& hotline : hotlines) SelectAgents(database, session, hotline);
    return;
  }
  std::unordered_map<long long, Hotline*> by_id;
  long long low = hotlines.front().id.value, high = low;
  for (Hotline& hotline : hotlines) {
    by_id.emplace(hotline.id.value, &hotline);
    low = std::min<long long>(low, hotline.id.value);
    high = std::max<long long>(high, hotline.id.value);
  }
  PreparedStatement statement(database, session, kSelectAgentsInRange);
  // hotline id, user id, has an active phone, a verified one
  std::tuple<long long, long long, int, int> agent;
  ForEachRow(
      *statement, agent,
      [&](const auto& row) {
        const auto& [hotline_id, user, active, verified] = row;
        if (const auto found = by_id.find(hotline_id); found != by_id.end()) {
          AddAgent(*found->second, user, active, verified);
        }
      },
      hotlines.front().organization_id.value, low, high);
}

// Fills the opening ranges and closed dates of those of `hotlines` that have a schedule, with
// one query each over the range of their ids (as SelectAgentsOf).
void SelectSchedulesOf(Database& database, soci::session& session, std::vector<Hotline>& hotlines) {
  std::unordered_map<long long, Schedule*> by_id;
  long long low = INT64_MAX, high = 0;
  for (Hotline& hotline : hotlines) {
    if (!hotline.schedule) continue;
    by_id.emplace(hotline.id.value, &*hotline.schedule);
    low = std::min<long long>(low, hotline.id.value);
    high = std::max<long long>(high, hotline.id.value);
  }
  if (by_id.empty()) return;
  const auto schedule_of = [&by_id](long long hotline_id) -> Schedule* {
    const auto found = by_id.find(hotline_id);
    return found == by_id.end() ? nullptr : found->second;
  };
  // Another organisation's hotlines with ids in between are not read when the list is one
  // organisation's (a page of GET /v1/hotlines).
  const bool of_one = OfOneOrganization(hotlines);
  static const std::string kOpeningHours[] = {ScheduleQuery(kSelectOpeningHoursInRange, false),
                                              ScheduleQuery(kSelectOpeningHoursInRange, true)};
  static const std::string kClosedDates[] = {ScheduleQuery(kSelectClosedDatesInRange, false),
                                             ScheduleQuery(kSelectClosedDatesInRange, true)};
  const auto add_range = [&](const auto& row) {
    const auto& [hotline_id, day, from, to] = row;
    Schedule* schedule = schedule_of(hotline_id);
    const auto weekday = ParseWeekday(day);
    if (schedule && weekday) schedule->weekly.push_back({*weekday, from, to});
  };
  const auto add_closed = [&](const auto& row) {
    const auto& [hotline_id, date] = row;
    if (Schedule* schedule = schedule_of(hotline_id)) schedule->closed_dates.push_back(date);
  };
  long long organization = hotlines.front().organization_id.value;
  std::tuple<long long, std::string, int, int> range;  // hotline id, day, from, to
  std::tuple<long long, std::string> closed;           // hotline id, date
  {
    PreparedStatement statement(database, session, kOpeningHours[of_one ? 1 : 0]);
    if (of_one) {
      ForEachRow(*statement, range, add_range, low, high, organization);
    } else {
      ForEachRow(*statement, range, add_range, low, high);
    }
  }
  PreparedStatement statement(database, session, kClosedDates[of_one ? 1 : 0]);
  if (of_one) {
    ForEachRow(*statement, closed, add_closed, low, high, organization);
  } else {
    ForEachRow(*statement, closed, add_closed, low, high);
  }
}

// Replaces the stored opening ranges and closed dates of `hotline` with `schedule`'s.
void InsertSchedule(Database& database, soci::session& session, HotlineId hotline,
                    const std::optional<Schedule>& schedule) {
  long long key = hotline.value;
  {
    PreparedStatement statement(database, session, kDeleteOpeningHours);
    Execute(*statement, key);
  }
  {
    PreparedStatement statement(database, session, kDeleteClosedDates);
    Execute(*statement, key);
  }
  if (!schedule) return;
  for (std::size_t i = 0; i < schedule->weekly.size(); ++i) {
    int position = static_cast<int>(i);
    std::string day = WeekdayName(schedule->weekly[i].day);
    int from = schedule->weekly[i].from_minute;
    int to = schedule->weekly[i].to_minute;
    PreparedStatement statement(database, session, kInsertOpeningRange);
    Execute(*statement, key, position, day, from, to);
  }
  for (const std::string& date : schedule->closed_dates) {
    std::string text = date;
    PreparedStatement statement(database, session, kInsertClosedDate);
    Execute(*statement, key, text);
  }
}

// Whether the stored opening ranges and closed dates of `hotline` are those of `schedule` (none
// without one).
bool StoredScheduleIs(Database& database, soci::session& session, HotlineId hotline,
                      const std::optional<Schedule>& schedule) {
  static const Schedule kNone;
  const Schedule& expected = schedule ? *schedule : kNone;
  std::vector<std::optional<OpeningRange>> weekly;  // nullopt: a day this binary cannot read
  std::tuple<std::string, int, int> range;          // day, from, to
  {
    PreparedStatement statement(database, session, kSelectOpeningRanges);
    ForEachRow(
        *statement, range,
        [&](const auto& row) {
          const auto& [day, from, to] = row;
          const auto weekday = ParseWeekday(day);
          weekly.push_back(weekday ? std::optional(OpeningRange{*weekday, from, to})
                                   : std::nullopt);
        },
        hotline.value);
  }
  if (!std::equal(weekly.begin(), weekly.end(), expected.weekly.begin(), expected.weekly.end(),
                  [](const auto& stored, const OpeningRange& wanted) {
                    return stored && *stored == wanted;
                  })) {
    return false;
  }
  PreparedStatement statement(database, session, kSelectClosedDates);
  std::vector<std::string> closed_dates = ReadRows<std::string>(
      *statement, [](const std::string& date) { return date; }, hotline.value);
  return closed_dates == expected.closed_dates;
}

// Runs kHotlineColumns + `where` with the bound `keys`; every hotline with its agents.
// `where` is one of this file's constant clauses, so the statements kept prepared are few.
template <typename... Keys>
std::vector<Hotline> SelectHotlines(Database& database, soci::session& session,
                                    const std::string& where, const Keys&... keys) {
  std::vector<Hotline> hotlines;
  {
    PreparedStatement statement(database, session, kHotlineColumns + where);
    hotlines = ReadRows<HotlineRow>(*statement, &HotlineRow::ToHotline, keys...);
  }
  SelectAgentsOf(database, session, hotlines);
  SelectSchedulesOf(database, session, hotlines);
  return hotlines;
}

// Replaces the stored agents of `hotline` with `agents`, in their order.
void InsertAgents(Database& database, soci::session& session, HotlineId hotline,
                  const std::vector<UserId>& agents) {
  long long key = hotline.value;
  {
    PreparedStatement statement(database, session, kDeleteAgents);
    Execute(*statement, key);
  }
  for (std::size_t i = 0; i < agents.size(); ++i) {
    int position = static_cast<int>(i);
    long long user = agents[i].value;
    PreparedStatement statement(database, session, kInsertAgent);
    Execute(*statement, key, position, user);
  }
}

// Records a status the hotline entered, in its history and in the webhook outbox.
void RecordStatus(Database& database, soci::session& session, HotlineId hotline,
                  HotlineStatus status, const std::string& detail, Timestamp at) {
  long long key = hotline.value;
  std::string name = HotlineStatusName(status);
  std::string text = detail;
  long long when = ToEpochMillis(at);
  {
    PreparedStatement statement(database, session, kInsertStatusEvent);
    Execute(*statement, key, name, text, when);
  }
  WebhookEvent changed;
  changed.type = WebhookEventType::kHotlineStatusChanged;
  changed.occurred_at = at;
  changed.hotline = hotline;
  changed.status = name;
  changed.detail = detail;
  AppendHotlineWebhookEvent(database, session, changed);
}

// The stored row of hotline `id`, as kHotlineColumns reads it, checked against
// `expected_version`; it stays locked until the caller's write transaction ends (PostgreSQL).
// Errors: kNotFound, kConflict.
Result<HotlineRow> LockedHotlineRow(Database& database, soci::session& session, HotlineId id,
                                    std::optional<std::int64_t> expected_version) {
  static const std::string kSelect[] = {
      std::string(kHotlineColumns) + " WHERE id = :id",
      std::string(kHotlineColumns) + " WHERE id = :id" + ForUpdate(Dialect::kPostgresql)};
  PreparedStatement statement(database, session,
                              kSelect[database.dialect() == Dialect::kPostgresql ? 1 : 0]);
  auto row = ReadFirstRow<HotlineRow>(
      *statement, [](const HotlineRow& read) { return read; }, id.value);
  if (!row) return Error::NotFound("No such hotline.");
  if (expected_version && *expected_version != row->version) {
    return Error::Conflict("The hotline changed since you read it (If-Match does not match).");
  }
  return std::move(*row);
}

// Sets the columns kUpdateHotline writes from `hotline`, and the version and time it gives
// them, on the stored `row`; the others (id, organisation, number, created_at) stay as stored.
void WrittenColumns(const Hotline& hotline, Timestamp now, HotlineRow& row) {
  row.name = hotline.name;
  row.channels_inbound = hotline.channels_inbound;
  row.channels_outbound = hotline.channels_outbound;
  row.is_active = hotline.is_active ? 1 : 0;
  row.tts_inbound = hotline.tts_inbound;
  row.tts_outbound = hotline.tts_outbound;
  row.confirm_answer = hotline.confirm_answer ? 1 : 0;
  row.status = HotlineStatusName(hotline.status);
  row.status_detail = hotline.status_detail;
  row.language = hotline.language;
  row.closed_action = FallbackActionName(hotline.closed.action);
  row.tts_closed = hotline.tts_closed;
  row.reject_anonymous = hotline.reject_anonymous ? 1 : 0;
  row.time_zone = hotline.schedule ? hotline.schedule->time_zone : "";
  row.no_answer_action = FallbackActionName(hotline.no_answer.action);
  row.no_answer_tts_voicemail = hotline.no_answer.tts_voicemail;
  row.no_answer_max_seconds = hotline.no_answer.max_seconds;
  row.no_answer_forward_to = hotline.no_answer.forward_to;
  row.closed_tts_voicemail = hotline.closed.tts_voicemail;
  row.closed_max_seconds = hotline.closed.max_seconds;
  row.closed_forward_to = hotline.closed.forward_to;
  row.version += 1;  // kUpdateHotline: version = version + 1
  row.updated_at = ToEpochMillis(now);
}

// Writes the columns kUpdateHotline sets from `row` (WrittenColumns), to the stored row of the
// same id. Non-const: SOCI binds the values by reference.
void UpdateHotlineRow(Database& database, soci::session& session, HotlineRow& row) {
  PreparedStatement statement(database, session, kUpdateHotline);
  Execute(*statement, row.name, row.channels_inbound, row.channels_outbound, row.is_active,
          row.tts_inbound, row.tts_outbound, row.confirm_answer, row.status, row.status_detail,
          row.language, row.closed_action, row.tts_closed, row.reject_anonymous, row.time_zone,
          row.no_answer_action, row.no_answer_tts_voicemail, row.no_answer_max_seconds,
          row.no_answer_forward_to, row.closed_tts_voicemail, row.closed_max_seconds,
          row.closed_forward_to, row.updated_at, row.id);
}

// Fills the agents of `stored` as they are stored, and replaces them with `agents` first when
// they differ: most updates change a setting or two, and rows that stay as they are are not
// written again (fewer pages to the log and to fsync per PUT, issue #12).
void ReplaceAgentsIfChanged(Database& database, soci::session& session,
                            const std::vector<UserId>& agents, Hotline& stored) {
  SelectAgents(database, session, stored);
  if (stored.agents == agents) return;
  InsertAgents(database, session, stored.id, agents);
  SelectAgents(database, session, stored);
}

// Replaces the stored opening ranges and closed dates of `hotline` with its schedule's when they
// differ. They are only written with a time zone (a schedule needs one) and only read for a
// hotline that has one: without one before (`had_schedule`) and after, none to compare.
void ReplaceScheduleIfChanged(Database& database, soci::session& session, const Hotline& hotline,
                              bool had_schedule) {
  if (!had_schedule && !hotline.schedule) return;
  if (StoredScheduleIs(database, session, hotline.id, hotline.schedule)) return;
  InsertSchedule(database, session, hotline.id, hotline.schedule);
}

// `schedule` as SelectSchedulesOf reads it back once stored: ranges in their order, closed
// dates in the order of kSelectClosedDatesInRange.
Schedule AsRead(Schedule schedule) {
  std::sort(schedule.closed_dates.begin(), schedule.closed_dates.end());
  return schedule;
}

}  // namespace

Result<Hotline> SociHotlineRepository::Create(const Hotline& hotline, const NumberLocation& where,
                                              int max_per_organization, Timestamp now) {
  return database_.Run("create hotline", [&](soci::session& session) -> Result<Hotline> {
    static const std::string kSelectFreeNumberSkipLocked =
        std::string(kSelectFreeNumber) + kSkipLockedPostgresql;
    const bool postgresql = database_.dialect() == Dialect::kPostgresql;
    WriteTransaction transaction(database_, session);
    long long organization = hotline.organization_id.value;
    if (postgresql) ReadValue<long long>(session, kLockOrganizationPostgresql, organization);
    const auto count = ReadValue<long long>(session, kCountByOrganization, organization);
    if (count.value_or(0) >= max_per_organization) {
      return Error::ResourceExhausted("The organization has the maximum of " +
                                      std::to_string(max_per_organization) + " hotlines.");
    }
    std::string country = where.country;
    std::string city_key = CityKey(where.city);
    long long at = ToEpochMillis(now);
    auto number = ReadValue<std::string>(
        session, postgresql ? kSelectFreeNumberSkipLocked : std::string(kSelectFreeNumber),
        country, city_key, at);
    if (!number) {
      return Error::ResourceExhausted("No free phone number is left in " + where.city + ", " +
                                      where.country +
                                      ": ask the operator to add numbers for this city.");
    }
    Hotline stored = hotline;
    stored.number = *number;
    stored.version = 1;
    stored.created_at = now;
    stored.updated_at = now;
    std::string status = HotlineStatusName(stored.status);
    int is_active = stored.is_active ? 1 : 0;
    int confirm_answer = stored.confirm_answer ? 1 : 0;
    int reject_anonymous = stored.reject_anonymous ? 1 : 0;
    std::string closed_action = FallbackActionName(stored.closed.action);
    std::string no_answer_action = FallbackActionName(stored.no_answer.action);
    std::string time_zone = stored.schedule ? stored.schedule->time_zone : "";
    long long at2 = at;
    const auto inserted = ReadValue<long long>(
        session, kInsertHotline, organization, stored.name, stored.channels_inbound,
        stored.channels_outbound, is_active, stored.tts_inbound, stored.tts_outbound,
        confirm_answer, stored.number, status, stored.status_detail, at, at2, stored.language,
        closed_action, stored.tts_closed, reject_anonymous, time_zone, no_answer_action,
        stored.no_answer.tts_voicemail, stored.no_answer.max_seconds, stored.no_answer.forward_to,
        stored.closed.tts_voicemail, stored.closed.max_seconds, stored.closed.forward_to);
    long long id = inserted.value_or(0);
    stored.id = HotlineId(id);
    session << kReserveNumber, soci::use(id), soci::use(*number);
    InsertAgents(database_, session, stored.id, stored.agents);
    SelectAgents(database_, session, stored);
    InsertSchedule(database_, session, stored.id, stored.schedule);
    RecordStatus(database_, session, stored.id, stored.status, stored.status_detail, now);
    AppendAuditedChanges(session, {.hotline = stored.id});
    transaction.Commit();
    return stored;
  });
}

Result<std::optional<Hotline>> SociHotlineRepository::Find(HotlineId id) {
  const auto read = [&] {
    return database_.Run("find hotline", [&](soci::session& session) -> std::optional<Hotline> {
      auto hotlines = SelectHotlines(database_, session, " WHERE id = :id", id.value);
      if (hotlines.empty()) return std::nullopt;
      return std::move(hotlines.front());
    });
  };
  // A missing hotline is not held: ids probed at random would only crowd out the found ones.
  const auto found = [](const std::optional<Hotline>& hotline) { return hotline.has_value(); };
  return found_.ReadThrough(database_.change_watch(), id.value, read, found);
}

Result<std::optional<Hotline>> SociHotlineRepository::FindByNumber(const std::string& number) {
  return database_.Run(
      "find hotline by number", [&](soci::session& session) -> std::optional<Hotline> {
        auto hotlines = SelectHotlines(database_, session, " WHERE number = :number", number);
        if (hotlines.empty()) return std::nullopt;
        return std::move(hotlines.front());
      });
}

Result<SharedHotlinePage> SociHotlineRepository::ListByOrganization(OrganizationId organization,
                                                                    std::int64_t limit,
                                                                    std::int64_t offset) {
  // Without a change watch (PostgreSQL) ReadThrough reads every time: each page is new.
  const SqliteChangeWatch* watch = database_.change_watch();
  return listed_.ReadThrough(
      watch, ListPageKey{organization.value, limit, offset}, [&]() -> Result<SharedHotlinePage> {
        FR_ASSIGN_OR_RETURN(HotlinePage page, ReadPage(organization, limit, offset));
        page.held = watch != nullptr;
        return std::make_shared<const HotlinePage>(std::move(page));
      });
}

Result<HotlinePage> SociHotlineRepository::ReadPage(OrganizationId organization,
                                                    std::int64_t limit, std::int64_t offset) {
  return database_.Run("list hotlines", [&](soci::session& session) {
    HotlinePage page;
    {
      PreparedStatement count(database_, session, kCountByOrganization);
      page.total = ReadValue<long long>(*count, organization.value).value_or(0);
    }
    page.hotlines = SelectHotlines(
        database_, session,
        " WHERE organization_id = :organization_id ORDER BY id LIMIT :limit OFFSET :offset",
        organization.value, limit, offset);
    return page;
  });
}

Result<Hotline> SociHotlineRepository::Update(const Hotline& hotline,
                                              std::optional<std::int64_t> expected_version,
                                              Timestamp now) {
  // A group commit on SQLite (decision 0091): PUTs arriving together share one fdatasync. The
  // group's writers take turns with the write lock held, so every statement left out of a turn
  // shortens everybody's wait (decision 0095).
  return database_.Write("update hotline", [&](soci::session& session) -> Result<Hotline> {
    FR_ASSIGN_OR_RETURN(HotlineRow row,
                        LockedHotlineRow(database_, session, hotline.id, expected_version));
    const HotlineStatus previous = ParseHotlineStatus(row.status).value_or(HotlineStatus::kFailed);
    const bool had_schedule = !row.time_zone.empty();
    WrittenColumns(hotline, now, row);
    UpdateHotlineRow(database_, session, row);
    // The answer is built as SelectHotlines would read it back after these writes: the row
    // through the same conversion, the agents with their phones as read inside this
    // transaction, the schedule as written (closed dates in the order they are read).
    Hotline stored = row.ToHotline();
    ReplaceAgentsIfChanged(database_, session, hotline.agents, stored);
    ReplaceScheduleIfChanged(database_, session, hotline, had_schedule);
    if (stored.schedule) *stored.schedule = AsRead(*hotline.schedule);
    if (previous != hotline.status) {
      RecordStatus(database_, session, hotline.id, hotline.status, hotline.status_detail, now);
    }
    AppendAuditedChanges(database_, session);
    return stored;
  });
}

Status SociHotlineRepository::Delete(HotlineId id, std::optional<std::int64_t> expected_version,
                                     Timestamp quarantined_until) {
  return database_.Write("delete hotline", [&](soci::session& session) -> Status {
    FR_RETURN_IF_ERROR(LockedHotlineRow(database_, session, id, expected_version));
    long long key = id.value;
    long long until = ToEpochMillis(quarantined_until);
    session << kQuarantineNumber, soci::use(until), soci::use(key);
    session << kDeleteHotline, soci::use(key);
    AppendAuditedChanges(session);
    return Ok();
  });
}

Status SociHotlineRepository::RemoveAgentFromOrganization(OrganizationId organization, UserId user) {
  return database_.RunWrite("remove agent", [&](soci::session& session) {
    long long user_key = user.value;
    long long organization_key = organization.value;
    session << kRemoveAgentFromOrganization, soci::use(user_key), soci::use(organization_key);
  });
}

Result<std::vector<Hotline>> SociHotlineRepository::ClaimAwaitingProvisioning(
    const std::string& worker, std::int64_t limit, Timestamp now, Timestamp until) {
  static const std::string kClaimFrom =
      std::string(kClaimProvisioning) + kClaimableHotlines + kClaimProvisioningOrder;
  static const std::string kClaim[] = {kClaimFrom + ")", kClaimFrom + kSkipLockedPostgresql + ")"};
  static const std::string kAnyClaimable =
      std::string("SELECT COUNT(*) FROM (SELECT 1") + kClaimableHotlines + " LIMIT 1) AS claimable";
  return database_.Run("claim hotlines awaiting provisioning", [&](soci::session& session) {
    std::string holder = worker;
    long long held_until = ToEpochMillis(until);
    long long at = ToEpochMillis(now);
    long long most = limit;
    // Looked for first: this runs every 200 ms and mostly finds nothing, and an empty write
    // transaction would still take a turn of the write gate from writers with work (a tail of
    // tens of ms under a flood of PUTs, decision 0095).
    long long claimable = 0;
    session << kAnyClaimable, soci::use(at), soci::use(holder), soci::into(claimable);
    if (claimable == 0) return std::vector<Hotline>{};
    WriteTransaction transaction(database_, session);
    session << kClaim[database_.dialect() == Dialect::kPostgresql ? 1 : 0], soci::use(holder),
        soci::use(held_until), soci::use(at), soci::use(holder), soci::use(most);
    auto claimed = SelectHotlines(database_, session, kClaimed, holder, held_until);
    transaction.Commit();
    return claimed;
  });
}

Result<bool> SociHotlineRepository::TransitionStatus(HotlineId id, HotlineStatus from,
                                                     HotlineStatus to, const std::string& detail,
                                                     Timestamp now) {
  return database_.Run("transition hotline status", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    std::string to_name = HotlineStatusName(to);
    std::string from_name = HotlineStatusName(from);
    std::string text = detail;
    long long at = ToEpochMillis(now);
    long long key = id.value;
    soci::statement statement =
        (session.prepare << kTransitionStatus, soci::use(to_name), soci::use(text), soci::use(at),
         soci::use(key), soci::use(from_name));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return false;
    RecordStatus(database_, session, id, to, detail, now);
    transaction.Commit();
    return true;
  });
}

// Not cached as ListByOrganization's pages are: an export reads each page once.
Result<std::vector<Hotline>> SociHotlineRepository::ListByOrganizationAfter(
    OrganizationId organization, std::optional<HotlineId> after, std::int64_t limit) {
  return database_.Run("list hotlines after", [&](soci::session& session) {
    const long long above = after ? after->value : 0;  // ids start at 1
    return SelectHotlines(
        database_, session,
        " WHERE organization_id = :organization_id AND id > :after ORDER BY id LIMIT :limit",
        organization.value, above, limit);
  });
}

}  // namespace fr
