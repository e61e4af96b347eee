#include "app/voicemail_service.hpp"

#include "identity/authorization.hpp"

namespace fr {
namespace {

constexpr std::int64_t kRemoveChunk = 100;

Error NoSuchVoicemail() { return Error::NotFound("No such voicemail for this hotline."); }

}  // namespace

Status VoicemailService::MayRead(const Principal& principal, HotlineId hotline) {
  FR_ASSIGN_OR_RETURN(const auto found, hotlines_.Find(hotline));
  if (!found || !IsOrganizationMember(principal, found->organization_id)) {
    return Error::NotFound("No such hotline.");
  }
  if (!CanRead(CallRecordAccess(principal, found->organization_id))) {
    return Error::PermissionDenied(
        "Only admins of the organization may use voicemails: they hold callers' voices and "
        "numbers.");
  }
  return Ok();
}

Result<Voicemail> VoicemailService::Readable(const Principal& principal, HotlineId hotline,
                                             VoicemailId id) {
  FR_RETURN_IF_ERROR(MayRead(principal, hotline));
  FR_ASSIGN_OR_RETURN(auto voicemail, voicemails_.Find(id));
  if (!voicemail || voicemail->hotline != hotline) return NoSuchVoicemail();
  return std::move(*voicemail);
}

Result<VoicemailPage> VoicemailService::List(const Principal& principal, HotlineId hotline,
                                             std::optional<bool> listened, std::int64_t limit,
                                             std::int64_t offset) {
  FR_RETURN_IF_ERROR(MayRead(principal, hotline));
  return voicemails_.List(hotline, listened, limit, offset);
}

Result<VoicemailPage> VoicemailService::ListBefore(const Principal& principal, HotlineId hotline,
                                                   const std::optional<VoicemailKey>& before,
                                                   std::int64_t limit) {
  FR_RETURN_IF_ERROR(MayRead(principal, hotline));
  return voicemails_.ListBefore(hotline, before, limit);
}

Result<Voicemail> VoicemailService::Get(const Principal& principal, HotlineId hotline,
                                        VoicemailId id) {
  return Readable(principal, hotline, id);
}

Result<VoicemailAudioFile> VoicemailService::Audio(const Principal& principal,
                                                   HotlineId hotline, VoicemailId id) {
  FR_ASSIGN_OR_RETURN(const Voicemail voicemail, Readable(principal, hotline, id));
  FR_ASSIGN_OR_RETURN(const std::uint64_t size, audio_.Size(voicemail.file));
  return VoicemailAudioFile{voicemail.file, size};
}

Result<std::string> VoicemailService::ReadAudio(const VoicemailAudioFile& audio,
                                                std::uint64_t offset, std::uint64_t length) {
  return audio_.Read(audio.file, offset, length);
}

Result<Voicemail> VoicemailService::SetListened(const Principal& principal, HotlineId hotline,
                                                VoicemailId id, bool listened) {
  FR_RETURN_IF_ERROR(Readable(principal, hotline, id));
  FR_RETURN_IF_ERROR(voicemails_.SetListened(id, listened));
  return Readable(principal, hotline, id);
}

Status VoicemailService::Delete(const Principal& principal, HotlineId hotline, VoicemailId id) {
  FR_RETURN_IF_ERROR(Readable(principal, hotline, id));
  FR_RETURN_IF_ERROR(voicemails_.Delete(id));
  // The row is gone for good; a file that cannot be removed now is left to the next sweep.
  (void)RemoveDeletedFiles();
  return Ok();
}

Result<std::int64_t> VoicemailService::RemoveDeletedFiles() {
  std::int64_t removed = 0;
  while (true) {
    FR_ASSIGN_OR_RETURN(const auto files, voicemails_.TakeRemovedFiles(kRemoveChunk));
    for (const std::string& file : files) {
      // Taken off the queue already: a file that cannot be removed now is removed at the next
      // start, when no row names it.
      if (audio_.Remove(file).ok()) ++removed;
    }
    if (static_cast<std::int64_t>(files.size()) < kRemoveChunk) return removed;
  }
}

Result<std::int64_t> VoicemailService::RecoverAfterCrash(const std::string& node) {
  std::int64_t kept = 0;
  FR_ASSIGN_OR_RETURN(const auto unfinished, voicemails_.Unfinished(node));
  for (const std::string& file : unfinished) {
    FR_ASSIGN_OR_RETURN(const auto duration, audio_.Recover(file));
    if (duration) {
      FR_RETURN_IF_ERROR(voicemails_.FinishRecovered(file, *duration));
      ++kept;
    } else {
      FR_RETURN_IF_ERROR(voicemails_.DeleteUnfinished(file));
    }
  }
  FR_RETURN_IF_ERROR(RemoveDeletedFiles());
  // Recordings whose row was never written (the crash came first): nothing links them to a
  // call, so nothing of them can be kept.
  FR_ASSIGN_OR_RETURN(const auto files, audio_.Files(VoicemailFilePrefix(node)));
  for (const std::string& file : files) {
    FR_ASSIGN_OR_RETURN(const bool named, voicemails_.Names(file));
    if (!named) FR_RETURN_IF_ERROR(audio_.Remove(file));
  }
  return kept;
}

}  // namespace fr
