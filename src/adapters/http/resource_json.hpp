#pragma once

#include "adapters/http/json_io.hpp"
#include "adapters/http/json_writer.hpp"
#include "app/account_service.hpp"
#include "domain/agent_phone/agent_phone.hpp"
#include "domain/audit/audit.hpp"
#include "domain/call_log/call_log.hpp"
#include "domain/hotline/hotline.hpp"
#include "domain/voicemail/voicemail.hpp"

// The JSON of the API's resources, shared by their own routes and the exports, so that an
// export line shows an object exactly as its endpoint does.
namespace fr::http {

void WriteHotline(JsonWriter& writer, const Hotline& hotline);
// A call log; with its entries when `with_entries` (the single call log's answer).
void WriteCallLog(JsonWriter& writer, const CallLog& log, bool with_entries);
void WriteRecord(JsonWriter& writer, const TelephoneRecord& record);
void WriteVoicemail(JsonWriter& writer, const Voicemail& voicemail);
Json AgentPhoneJson(const AgentPhone& phone);
Json MembershipJson(const MembershipView& view);
// An audit log entry, as GET …/audit-log and the organisation export show it.
Json AuditEntryJson(const AuditEntry& entry);

}  // namespace fr::http
