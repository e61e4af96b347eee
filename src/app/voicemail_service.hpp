#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/voicemail/voicemail.hpp"
#include "domain/voicemail/voicemail_audio.hpp"
#include "identity/principal.hpp"

namespace fr {

// The recording of one voicemail, as the audio endpoint serves it.
struct VoicemailAudioFile {
  std::string file;
  std::uint64_t size = 0;  // bytes of the whole WAV file
};

// Voicemails of hotlines (issue 15 §2): personal data like call logs, so only the
// organisation's admins and its API token read, mark and delete them. Keeps rows and files
// together: a deleted row's file is removed (RemoveDeletedFiles), and after a crash the
// recordings this node left are made whole or removed (RecoverAfterCrash). Thread-safe.
class VoicemailService {
 public:
  VoicemailService(HotlineRepository& hotlines, VoicemailRepository& voicemails,
                   VoicemailAudioStore& audio)
      : hotlines_(hotlines), voicemails_(voicemails), audio_(audio) {}

  // Errors (all): kNotFound when the hotline does not exist or the caller is not in its
  // organisation, or the voicemail is not one of the hotline's; kPermissionDenied for a
  // member who is not an admin.
  Result<VoicemailPage> List(const Principal& principal, HotlineId hotline,
                             std::optional<bool> listened, std::int64_t limit,
                             std::int64_t offset);
  // Keyset reads of all of them (exports): as List without a filter, each page below `before`
  // (the previous page's last voicemail; nullopt: the newest) and without `total`.
  Result<VoicemailPage> ListBefore(const Principal& principal, HotlineId hotline,
                                   const std::optional<VoicemailKey>& before, std::int64_t limit);
  Result<Voicemail> Get(const Principal& principal, HotlineId hotline, VoicemailId id);
  Result<VoicemailAudioFile> Audio(const Principal& principal, HotlineId hotline,
                                   VoicemailId id);
  // Up to `length` bytes of a recording Audio named, from `offset`. Errors: kNotFound.
  Result<std::string> ReadAudio(const VoicemailAudioFile& audio, std::uint64_t offset,
                                std::uint64_t length);
  Result<Voicemail> SetListened(const Principal& principal, HotlineId hotline, VoicemailId id,
                                bool listened);
  // Deletes the row and then its file.
  Status Delete(const Principal& principal, HotlineId hotline, VoicemailId id);

  // Removes the files of rows deleted by any path (API, retention, erasure, hotline or
  // organisation deletion); returns how many. A file that cannot be removed is logged by the
  // caller through the error and retried by the next call.
  Result<std::int64_t> RemoveDeletedFiles();
  // At start, before calls are taken: the recordings `node` was writing when it stopped are
  // made whole up to that moment (and listed) or, when nothing playable was written, deleted
  // with their rows; files of `node` that no row names are removed. Returns how many were kept.
  Result<std::int64_t> RecoverAfterCrash(const std::string& node);

 private:
  // The hotline's voicemail `id`, when the caller may read it.
  Result<Voicemail> Readable(const Principal& principal, HotlineId hotline, VoicemailId id);
  // The hotline, when the caller may read its voicemails.
  Status MayRead(const Principal& principal, HotlineId hotline);

  HotlineRepository& hotlines_;
  VoicemailRepository& voicemails_;
  VoicemailAudioStore& audio_;
};

}  // namespace fr
