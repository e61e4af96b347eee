#include "adapters/storage/soci_voicemail_repository.hpp"

#include <climits>

#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/webhook_outbox.hpp"

namespace fr {
namespace {

// Only recorded messages are visible; one still being recorded is the engine's.
constexpr const char* kColumns =
    "SELECT v.id, h.organization_id, v.hotline_id, v.call_log_id, c.caller, v.recorded_at,"
    " v.duration_ms, v.listened, v.file FROM voicemails v"
    " JOIN call_logs c ON c.id = v.call_log_id JOIN hotlines h ON h.id = v.hotline_id";
constexpr const char* kPage =
    " WHERE v.hotline_id = :hotline AND v.state = 'recorded'"
    " AND (:any = 1 OR v.listened = :listened)"
    " ORDER BY v.recorded_at DESC, v.id DESC LIMIT :limit OFFSET :offset";
// Keyset pages (exports): below the last one read, in the same order, along the index
// voicemails_by_hotline (hotline_id, state, recorded_at, id).
constexpr const char* kPageBefore =
    " WHERE v.hotline_id = :hotline AND v.state = 'recorded'"
    " AND (v.recorded_at, v.id) < (:recorded_at, :id)"
    " ORDER BY v.recorded_at DESC, v.id DESC LIMIT :limit";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM voicemails WHERE hotline_id = :hotline AND state = 'recorded'"
    " AND (:any = 1 OR listened = :listened)";
constexpr const char* kById = " WHERE v.id = :id AND v.state = 'recorded'";
constexpr const char* kSetListened =
    "UPDATE voicemails SET listened = :listened WHERE id = :id AND state = 'recorded'";
constexpr const char* kDelete = "DELETE FROM voicemails WHERE id = :id AND state = 'recorded'";
constexpr const char* kSelectRemoved =
    "SELECT file FROM voicemail_files_removed ORDER BY file LIMIT :limit";
constexpr const char* kDeleteRemoved = "DELETE FROM voicemail_files_removed WHERE file = :file";
constexpr const char* kSelectUnfinished =
    "SELECT file FROM voicemails WHERE node_id = :node AND state = 'recording' ORDER BY id";
constexpr const char* kFinish =
    "UPDATE voicemails SET state = 'recorded', duration_ms = :duration WHERE file = :file";
constexpr const char* kDeleteUnfinished =
    "DELETE FROM voicemails WHERE file = :file AND state = 'recording'";
constexpr const char* kNames = "SELECT COUNT(*) FROM voicemails WHERE file = :file";
constexpr const char* kIdsOfFile = "SELECT id, call_log_id FROM voicemails WHERE file = :file";
constexpr const char* kInsertRecording =
    "INSERT INTO voicemails (call_log_id, hotline_id, file, node_id, recorded_at, state)"
    " SELECT id, hotline_id, :file, :node, :at, 'recording' FROM call_logs WHERE id = :call";

// The columns of kColumns, in order.
struct VoicemailRow {
  long long id = 0, organization_id = 0, hotline_id = 0, call_log_id = 0, recorded_at = 0;
  long long duration_ms = 0;
  int listened = 0;
  Nullable<std::string> caller;
  std::string file;

  auto Columns() {
    return std::tie(id, organization_id, hotline_id, call_log_id, caller, recorded_at,
                    duration_ms, listened, file);
  }
  Voicemail ToVoicemail() const {
    return {VoicemailId(id),
            OrganizationId(organization_id),
            HotlineId(hotline_id),
            CallLogId(call_log_id),
            caller.ToOptional(),
            FromEpochMillis(recorded_at),
            std::chrono::milliseconds(duration_ms),
            listened != 0,
            file};
  }
};

// Runs `sql` with `parameters`; returns how many rows it changed.
template <typename... Parameters>
long long Change(soci::session& session, const char* sql, Parameters&&... parameters) {
  soci::statement statement = OneUseStatement(session, sql);
  BindParameters(statement, parameters...);
  statement.define_and_bind();
  statement.execute(true);
  return statement.get_affected_rows();
}

}  // namespace

Result<VoicemailPage> SociVoicemailRepository::List(HotlineId hotline,
                                                    std::optional<bool> listened,
                                                    std::int64_t limit, std::int64_t offset) {
  return database_.Run("list voicemails", [&](soci::session& session) {
    const int any = listened ? 0 : 1;
    const int wanted = listened.value_or(false) ? 1 : 0;
    VoicemailPage page;
    page.total = ReadValue<long long>(session, kCount, hotline.value, any, wanted).value_or(0);
    soci::statement statement = OneUseStatement(session, std::string(kColumns) + kPage);
    page.voicemails = ReadRows<VoicemailRow>(statement, &VoicemailRow::ToVoicemail, hotline.value,
                                             any, wanted, limit, offset);
    return page;
  });
}

Result<VoicemailPage> SociVoicemailRepository::ListBefore(
    HotlineId hotline, const std::optional<VoicemailKey>& before, std::int64_t limit) {
  return database_.Run("list voicemails", [&](soci::session& session) {
    long long key = hotline.value;
    long long recorded_at = before ? ToEpochMillis(before->recorded_at) : LLONG_MAX;
    long long id = before ? before->id.value : LLONG_MAX;
    long long page_limit = limit;
    VoicemailPage page;
    soci::statement statement = OneUseStatement(session, std::string(kColumns) + kPageBefore);
    page.voicemails = ReadRows<VoicemailRow>(statement, &VoicemailRow::ToVoicemail, key,
                                             recorded_at, id, page_limit);
    return page;
  });
}

Result<std::optional<Voicemail>> SociVoicemailRepository::Find(VoicemailId id) {
  return database_.Run("find voicemail", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, std::string(kColumns) + kById);
    return ReadFirstRow<VoicemailRow>(statement, &VoicemailRow::ToVoicemail, id.value);
  });
}

Status SociVoicemailRepository::SetListened(VoicemailId id, bool listened) {
  return database_.RunWrite("mark voicemail", [&](soci::session& session) -> Status {
    if (Change(session, kSetListened, listened ? 1 : 0, id.value) == 0) {
      return Error::NotFound("No such voicemail.");
    }
    return Ok();
  });
}

Status SociVoicemailRepository::Delete(VoicemailId id) {
  return database_.RunWrite("delete voicemail", [&](soci::session& session) -> Status {
    if (Change(session, kDelete, id.value) == 0) return Error::NotFound("No such voicemail.");
    return Ok();
  });
}

Result<std::vector<std::string>> SociVoicemailRepository::TakeRemovedFiles(std::int64_t limit) {
  return database_.Run("take removed voicemail files", [&](soci::session& session) {
    // Looked for first: the sweep runs every second and mostly finds nothing, and an empty write
    // transaction would still take a turn of the write gate from writers with work (decision 0095).
    {
      soci::statement probe = OneUseStatement(session, kSelectRemoved);
      if (ReadRows<std::string>(
              probe, [](const std::string& file) { return file; }, std::int64_t{1})
              .empty()) {
        return std::vector<std::string>{};
      }
    }
    WriteTransaction transaction(database_, session);
    soci::statement statement = OneUseStatement(session, kSelectRemoved);
    auto files = ReadRows<std::string>(
        statement, [](const std::string& file) { return file; }, limit);
    for (const std::string& file : files) Change(session, kDeleteRemoved, file);
    transaction.Commit();
    return files;
  });
}

Result<std::vector<std::string>> SociVoicemailRepository::Unfinished(const std::string& node) {
  return database_.Run("find unfinished voicemails", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectUnfinished);
    return ReadRows<std::string>(
        statement, [](const std::string& file) { return file; }, node);
  });
}

Status SociVoicemailRepository::FinishRecovered(const std::string& file,
                                                std::chrono::milliseconds duration) {
  return database_.RunWrite("finish recovered voicemail", [&](soci::session& session) -> Status {
    if (Change(session, kFinish, static_cast<long long>(duration.count()), file) == 0) {
      return Error::NotFound("No such voicemail.");
    }
    return Ok();
  });
}

Status SociVoicemailRepository::DeleteUnfinished(const std::string& file) {
  return database_.RunWrite("delete unfinished voicemail", [&](soci::session& session) -> Status {
    Change(session, kDeleteUnfinished, file);
    return Ok();
  });
}

Result<bool> SociVoicemailRepository::Names(const std::string& file) {
  return database_.Run("find voicemail file", [&](soci::session& session) {
    return ReadValue<long long>(session, kNames, file).value_or(0) > 0;
  });
}

void InsertRecordingVoicemail(Database& database, soci::session& session, long long call_log,
                              const std::string& file, const std::string& node, Timestamp at) {
  PreparedStatement statement(database, session, kInsertRecording);
  long long when = ToEpochMillis(at);
  BindParameters(*statement, file, node, when, call_log);
  statement->define_and_bind();
  statement->execute(true);
}

void FinishRecordingVoicemail(Database& database, soci::session& session,
                              const std::string& file, std::chrono::milliseconds duration,
                              Timestamp at) {
  {
    PreparedStatement statement(database, session, kFinish);
    long long milliseconds = duration.count();
    BindParameters(*statement, milliseconds, file);
    statement->define_and_bind();
    statement->execute(true);
  }
  std::optional<std::tuple<long long, long long>> ids;
  {
    PreparedStatement statement(database, session, kIdsOfFile);
    ids = ReadFirstRow<std::tuple<long long, long long>>(
        *statement, [](const std::tuple<long long, long long>& row) { return row; }, file);
  }
  if (!ids) return;  // its call was not logged (its hotline went meanwhile)
  WebhookEvent recorded;
  recorded.type = WebhookEventType::kVoicemailRecorded;
  recorded.voicemail = VoicemailId(std::get<0>(*ids));
  recorded.call_log = CallLogId(std::get<1>(*ids));
  recorded.occurred_at = at;
  AppendCallWebhookEvent(database, session, recorded);
}

void DiscardRecordingVoicemail(Database& database, soci::session& session,
                               const std::string& file) {
  PreparedStatement statement(database, session, kDeleteUnfinished);
  BindParameters(*statement, file);
  statement->define_and_bind();
  statement->execute(true);
}

}  // namespace fr
