#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"

namespace fr {

// A message a caller left (issue 15 §1, decision 0055). Its audio is a WAV file in the
// voicemail folder, named by `file`; the row and the file live and die together.
struct Voicemail {
  VoicemailId id;
  OrganizationId organization_id;
  HotlineId hotline;
  CallLogId call_log;
  std::optional<std::string> caller;  // "00…"; empty when withheld (from the call log)
  Timestamp recorded_at;              // when the recording began
  std::chrono::milliseconds duration{0};
  bool listened = false;
  std::string file;  // a bare file name ("vm-….wav"), never a path
};

struct VoicemailPage {
  std::vector<Voicemail> voicemails;  // newest first
  std::int64_t total = 0;
};

// Where a keyset read of voicemails goes on (VoicemailRepository::ListBefore): below the last
// voicemail read, in the list's order.
struct VoicemailKey {
  Timestamp recorded_at;
  VoicemailId id;
};

// Whether `name` can be a recording's file name: what VoicemailFileName makes, no path.
bool IsVoicemailFileName(std::string_view name);

// A fresh file name for a recording of `node` (letters, digits, '-'; "" for a single node):
// "vm-<node>-<16 hex digits>.wav". The node prefix lets each node recover only its own
// recordings after a crash.
std::string VoicemailFileName(std::string_view node, std::uint64_t random);

// The prefix of the file names of `node`'s recordings.
std::string VoicemailFilePrefix(std::string_view node);

// Port: the voicemails' rows. Calls block on storage; thread-safe. Rows are created by the
// call event writer (VoicemailStarted, VoicemailFinished in call_events.hpp), in the
// transaction of the call's other events. A deleted row's file name is queued in the same
// transaction (also when the row goes with its hotline, call log or organisation), so that
// TakeRemovedFiles hands every file to remove exactly once it is no longer referenced.
class VoicemailRepository {
 public:
  virtual ~VoicemailRepository() = default;
  // The recorded voicemails of `hotline`, newest first; `listened` filters when set.
  virtual Result<VoicemailPage> List(HotlineId hotline, std::optional<bool> listened,
                                     std::int64_t limit, std::int64_t offset) = 0;
  // Keyset reads, for all of a hotline's voicemails (an export): those older than `before` in
  // List's order (nullopt: from the newest), at most `limit`. A page costs the same however
  // deep it lies; `total` is not counted (0).
  virtual Result<VoicemailPage> ListBefore(HotlineId hotline,
                                           const std::optional<VoicemailKey>& before,
                                           std::int64_t limit) = 0;
  // A recorded voicemail (not one still being recorded).
  virtual Result<std::optional<Voicemail>> Find(VoicemailId id) = 0;
  // Errors: kNotFound.
  virtual Status SetListened(VoicemailId id, bool listened) = 0;
  // Deletes the row (its file is queued for removal). Errors: kNotFound.
  virtual Status Delete(VoicemailId id) = 0;
  // Up to `limit` file names whose rows are gone, taken off the queue: the caller removes the
  // files (a crash in between leaves files no row names, which RecoverRecordings removes).
  virtual Result<std::vector<std::string>> TakeRemovedFiles(std::int64_t limit) = 0;
  // The rows of recordings `node` began and never finished (a crash), by file name.
  virtual Result<std::vector<std::string>> Unfinished(const std::string& node) = 0;
  // A recording recovered after a crash: recorded, `duration` long. Errors: kNotFound.
  virtual Status FinishRecovered(const std::string& file, std::chrono::milliseconds duration) = 0;
  // Deletes the row of a recording of which nothing could be kept.
  virtual Status DeleteUnfinished(const std::string& file) = 0;
  // Whether any row names `file`.
  virtual Result<bool> Names(const std::string& file) = 0;
};

}  // namespace fr
