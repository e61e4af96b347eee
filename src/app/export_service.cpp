#include "app/export_service.hpp"

#include "identity/authorization.hpp"

namespace fr {
namespace {

constexpr std::int64_t kPage = 200;

}  // namespace

// A reader that went away stops the export; so does a requester who may no longer export
// (decision 0082). Once a page: the check costs a read of the authentication stamp, and the
// token and memberships only when that moved.
Status ExportService::NextPage(Run& run) {
  if (run.sink.Gone()) return Error::Unavailable("The export's reader went away.");
  FR_ASSIGN_OR_RETURN(const bool allowed, grants_.StillHolds(run.grant, run.organization));
  if (!allowed) {
    return Error::PermissionDenied(
        "The export's token was revoked or expired, or its user is no longer an admin of the "
        "organization.");
  }
  return Ok();
}

Status ExportService::MayExportOrganization(const Principal& principal,
                                            OrganizationId organization) {
  FR_RETURN_IF_ERROR(RequireOrganizationAdmin(
      principal, organization,
      "Only admins of the organization may export its data: it holds callers' numbers."));
  FR_ASSIGN_OR_RETURN(const auto found, organizations_.Find(organization));
  if (!found) return Error::NotFound("No such organization.");
  return Ok();
}

Status ExportService::MayExportMine(const Principal& principal) {
  const auto account = accounts_.GetAccount(principal);
  if (!account.ok()) return account.error();
  return Ok();
}

Status ExportService::ExportOrganization(const Principal& principal, OrganizationId organization,
                                         ExportSink& sink) {
  FR_RETURN_IF_ERROR(MayExportOrganization(principal, organization));
  FR_ASSIGN_OR_RETURN(const auto found, organizations_.Find(organization));
  if (!found) return Error::NotFound("No such organization.");
  // Recorded before the first byte goes out: an export that fails half-way still disclosed.
  if (auto entry = MakeAuditEntry(organization, AuditType::kOrganizationExported, {},
                                  clock_.Now())) {
    FR_RETURN_IF_ERROR(audit_.Append({std::move(*entry)}));
  }
  sink.WriteOrganization(*found);
  Run run{{principal}, organization, sink};
  FR_RETURN_IF_ERROR(ExportMembers(run));
  for (std::int64_t offset = 0;; offset += kPage) {
    FR_ASSIGN_OR_RETURN(const SharedHotlinePage page,
                        hotlines_.List(run.grant.principal, organization, kPage, offset));
    for (const Hotline& hotline : page->hotlines) {
      sink.WriteHotline(hotline);
      FR_RETURN_IF_ERROR(ExportHotline(run, hotline));
    }
    FR_RETURN_IF_ERROR(NextPage(run));
    if (static_cast<std::int64_t>(page->hotlines.size()) < kPage) break;
  }
  return ExportAuditLog(run);
}

Status ExportService::ExportAuditLog(Run& run) {
  AuditFilter filter;
  filter.organization = run.organization;
  // By key, newest first (decision 0082): entries appended meanwhile are newer than the first
  // page, so each entry the export holds appears once.
  std::optional<AuditEntryId> before;
  while (true) {
    FR_ASSIGN_OR_RETURN(const AuditPage page, audit_.ListBefore(filter, before, kPage));
    for (const AuditEntry& entry : page.entries) run.sink.WriteAuditEntry(entry);
    FR_RETURN_IF_ERROR(NextPage(run));
    if (static_cast<std::int64_t>(page.entries.size()) < kPage) return Ok();
    before = page.entries.back().id;
  }
}

Status ExportService::ExportMembers(Run& run) {
  FR_ASSIGN_OR_RETURN(const auto members, organizations_.MembersOf(run.organization));
  for (const Membership& membership : members) {
    FR_ASSIGN_OR_RETURN(const auto user, users_.Find(membership.user_id));
    ExportedMember member{membership, user ? user->name : std::string(), std::nullopt};
    // The agent phones' own rule decides: listed only while the member consents.
    auto phones = phones_.List(run.grant.principal, membership.user_id, run.organization);
    if (phones.ok()) {
      member.agent_phones = std::move(phones).value();
    } else if (phones.error().code != ErrorCode::kPermissionDenied) {
      return phones.error();
    }
    run.sink.WriteMember(member);
  }
  return NextPage(run);
}

Status ExportService::ExportHotline(Run& run, const Hotline& hotline) {
  const Principal& principal = run.grant.principal;
  ExportSink& sink = run.sink;
  // Each list by key (decision 0082): a late page of a large hotline costs what the first does.
  std::optional<std::int64_t> next;
  do {
    FR_ASSIGN_OR_RETURN(const CallLogPage page,
                        records_.ListCallLogsBefore(principal, hotline.id, next, kPage));
    for (const CallLog& listed : page.call_logs) {
      FR_ASSIGN_OR_RETURN(const CallLog log, records_.GetCallLog(principal, hotline.id, listed.id));
      sink.WriteCallLog(log);
    }
    FR_RETURN_IF_ERROR(NextPage(run));
    next = page.next;
  } while (next);
  do {
    FR_ASSIGN_OR_RETURN(const TelephoneRecordPage page,
                        records_.ListTelephoneRecordsBefore(principal, hotline.id, next, kPage));
    for (const TelephoneRecord& record : page.records) sink.WriteTelephoneRecord(record);
    FR_RETURN_IF_ERROR(NextPage(run));
    next = page.next;
  } while (next);
  std::optional<VoicemailKey> before;
  while (true) {
    FR_ASSIGN_OR_RETURN(const VoicemailPage page,
                        voicemails_.ListBefore(principal, hotline.id, before, kPage));
    for (const Voicemail& voicemail : page.voicemails) sink.WriteVoicemail(voicemail);
    FR_RETURN_IF_ERROR(NextPage(run));
    if (static_cast<std::int64_t>(page.voicemails.size()) < kPage) return Ok();
    before = VoicemailKey{page.voicemails.back().recorded_at, page.voicemails.back().id};
  }
}

Status ExportService::ExportMine(const Principal& principal, ExportSink& sink) {
  FR_ASSIGN_OR_RETURN(const Account account, accounts_.GetAccount(principal));
  sink.WriteUser(account.user);
  for (const MembershipView& membership : account.memberships) sink.WriteMembership(membership);
  FR_ASSIGN_OR_RETURN(const auto phones, phones_.List(principal, account.user.id, std::nullopt));
  for (const AgentPhone& phone : phones) sink.WriteAgentPhone(phone);
  TokenFilter filter;
  filter.user = account.user.id;
  FR_ASSIGN_OR_RETURN(const auto tokens, tokens_.List(filter));
  for (const Token& token : tokens) sink.WriteToken(token);
  return Ok();
}

}  // namespace fr
