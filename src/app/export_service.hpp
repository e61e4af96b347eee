#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/account_service.hpp"
#include "app/admin_grant.hpp"
#include "app/agent_phone_service.hpp"
#include "app/call_record_service.hpp"
#include "app/hotline_service.hpp"
#include "app/voicemail_service.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/audit/audit.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// A member as an organisation's export shows them: never a secret; their agent phones only
// while the reader may see them (the member consents, decision 0018), else nullopt.
struct ExportedMember {
  Membership membership;
  std::string name;
  std::optional<std::vector<AgentPhone>> agent_phones;
};

// Port: where an export goes, one item at a time in the order written, so that an adapter can
// stream it. Called on the exporting thread only. Implementations never write a token's
// secret hash.
class ExportSink {
 public:
  virtual ~ExportSink() = default;
  virtual void WriteOrganization(const Organization& organization) = 0;
  virtual void WriteHotline(const Hotline& hotline) = 0;
  virtual void WriteMember(const ExportedMember& member) = 0;
  virtual void WriteCallLog(const CallLog& log) = 0;  // with its entries
  virtual void WriteTelephoneRecord(const TelephoneRecord& record) = 0;
  virtual void WriteVoicemail(const Voicemail& voicemail) = 0;  // its metadata, not its audio
  virtual void WriteUser(const User& user) = 0;
  virtual void WriteMembership(const MembershipView& membership) = 0;
  virtual void WriteAgentPhone(const AgentPhone& phone) = 0;
  virtual void WriteToken(const Token& token) = 0;
  virtual void WriteAuditEntry(const AuditEntry& entry) = 0;
  // True once whoever reads the export went away (a streamed response's client left): the
  // export stops at its next page with kUnavailable instead of reading on for nobody.
  virtual bool Gone() const { return false; }
};

// `GET /v1/organizations/{id}/export` and `GET /v1/me/export` (issue #18 §2, decision 0047):
// everything goes through the same services and rules as the API's own reads, so an export
// shows exactly what its reader could read one request at a time, and no more. Thread-safe.
class ExportService {
 public:
  ExportService(OrganizationRepository& organizations, UserRepository& users,
                TokenRepository& tokens, HotlineService& hotlines, CallRecordService& records,
                AgentPhoneService& phones, AccountService& accounts, VoicemailService& voicemails,
                AuditLogRepository& audit, const Clock& clock)
      : organizations_(organizations),
        users_(users),
        tokens_(tokens),
        hotlines_(hotlines),
        records_(records),
        phones_(phones),
        accounts_(accounts),
        voicemails_(voicemails),
        audit_(audit),
        clock_(clock),
        grants_(tokens, organizations, clock) {}

  // The organisation, its members, hotlines, and each hotline's call logs (with entries),
  // telephone records and voicemails (metadata only), oldest hotline first, then its audit log,
  // newest first (with this export's own entry, recorded before anything is written).
  // After each page it checks that the reader still reads and that the requester may still
  // export: its token neither revoked nor expired, a user still an admin (decision 0082).
  // Errors: kNotFound (not a member), kPermissionDenied (not an admin, or no longer: then after
  // some items were written), kUnavailable (the reader went away); storage errors, possibly
  // after some items were written.
  Status ExportOrganization(const Principal& principal, OrganizationId organization,
                            ExportSink& sink);
  // Whether ExportOrganization would start, checked before a streamed answer commits to 200.
  // Errors: as ExportOrganization's before anything is written.
  Status MayExportOrganization(const Principal& principal, OrganizationId organization);
  // The user, their memberships (with consent), agent phones and tokens. Errors:
  // kPermissionDenied for an organisation token.
  Status ExportMine(const Principal& principal, ExportSink& sink);
  // Whether ExportMine would start. Errors: as ExportMine's before anything is written.
  Status MayExportMine(const Principal& principal);

 private:
  // One organisation's export under way.
  struct Run {
    AdminGrant grant;  // the requester, as last checked; its principal reads
    OrganizationId organization;
    ExportSink& sink;
  };
  // Checked after each page. Errors: kUnavailable when the reader went away,
  // kPermissionDenied when the requester may no longer export; storage errors.
  Status NextPage(Run& run);
  Status ExportMembers(Run& run);
  Status ExportHotline(Run& run, const Hotline& hotline);
  Status ExportAuditLog(Run& run);

  OrganizationRepository& organizations_;
  UserRepository& users_;
  TokenRepository& tokens_;
  HotlineService& hotlines_;
  CallRecordService& records_;
  AgentPhoneService& phones_;
  AccountService& accounts_;
  VoicemailService& voicemails_;
  AuditLogRepository& audit_;
  const Clock& clock_;
  const AdminGrantCheck grants_;
};

}  // namespace fr
