#include <algorithm>
#include <cctype>

#include "adapters/http/json_io.hpp"
#include "adapters/http/json_writer.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"
#include "common/text.hpp"

namespace fr::http {

void WriteVoicemail(JsonWriter& writer, const Voicemail& voicemail) {
  writer.BeginObject()
      .Member("callLogID", voicemail.call_log.value)
      .Member("caller", voicemail.caller)
      .Member("durationMs", static_cast<std::int64_t>(voicemail.duration.count()))
      .Member("hotlineID", voicemail.hotline.value)
      .Member("id", voicemail.id.value)
      .Member("listened", voicemail.listened)
      .Member("time", FormatTimestamp(voicemail.recorded_at))
      .EndObject();
}

namespace {

struct VoicemailPath {
  HotlineId hotline;
  VoicemailId voicemail;
};

Result<VoicemailPath> ReadVoicemailPath(const RequestContext& context) {
  const auto hotline = PathId(context, "hotlineID");
  const auto voicemail = PathId(context, "voicemailID");
  std::vector<FieldError> errors;
  CollectFieldErrors(hotline, errors);
  CollectFieldErrors(voicemail, errors);
  if (!errors.empty()) return Error::InvalidArgument("The path parameters are invalid.", errors);
  return VoicemailPath{HotlineId(*hotline), VoicemailId(*voicemail)};
}

Response VoicemailResponse(const Voicemail& voicemail) {
  std::string body;
  JsonWriter writer(body);
  WriteVoicemail(writer, voicemail);
  return JsonTextResponse(200, std::move(body));
}

// The bytes a single `Range: bytes=…` asks of `size` (RFC 9110 §14.1.2): [first, last].
// nullopt: no usable range, the whole file is sent with 200, as §14.2 lets a server ignore
// Range: a syntax the server does not take, a last position before the first (`bytes=5-3`,
// invalid by §14.1.1), numbers too large to parse, and several ranges (`bytes=0-1,5-6`; one
// recording is small, and a multipart answer buys a player nothing). An unsatisfiable range
// is one with first >= size: a first position at or beyond the end, any range of an empty
// file, and a suffix of length 0 (`bytes=-0`, §14.1.1: a suffix range is satisfiable only
// with a non-zero length).
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};
std::optional<ByteRange> ParseRange(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  // The range unit is case-insensitive (§14.1).
  if (header.size() < kUnit.size() ||
      !std::equal(kUnit.begin(), kUnit.end(), header.begin(),
                  [](char unit, char given) {
                    return unit == std::tolower(static_cast<unsigned char>(given));
                  })) {
    return std::nullopt;
  }
  const std::string_view spec = TrimAsciiWhitespace(header.substr(kUnit.size()));
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  const auto first_text = ParseNonNegativeInt(spec.substr(0, dash));
  const auto last_text = ParseNonNegativeInt(spec.substr(dash + 1));
  const ByteRange unsatisfiable{size, size};
  const std::uint64_t end = size == 0 ? 0 : size - 1;
  if (dash == 0) {  // the last `n` bytes
    if (!last_text) return std::nullopt;
    if (*last_text == 0 || size == 0) return unsatisfiable;
    const std::uint64_t suffix = std::min(static_cast<std::uint64_t>(*last_text), size);
    return ByteRange{size - suffix, end};
  }
  if (!first_text) return std::nullopt;
  const auto first = static_cast<std::uint64_t>(*first_text);
  if (dash + 1 == spec.size()) return ByteRange{first, end};
  if (!last_text || static_cast<std::uint64_t>(*last_text) < first) return std::nullopt;
  return ByteRange{first, std::min(static_cast<std::uint64_t>(*last_text), end)};
}

HandlerResult List(VoicemailService& voicemails, const RequestContext& context) {
  const auto hotline = PathId(context, "hotlineID");
  const auto limit = QueryInt(context.request, "limit", 1, 50, 10);
  const auto offset = QueryInt(context.request, "offset", 0, INT64_MAX, 0);
  std::vector<FieldError> errors;
  CollectFieldErrors(hotline, errors);
  CollectFieldErrors(limit, errors);
  CollectFieldErrors(offset, errors);
  std::optional<bool> listened;
  if (const auto text = context.request.Query("listened")) {
    if (*text == "true" || *text == "false") {
      listened = *text == "true";
    } else {
      errors.push_back({"listened", "must be true or false"});
    }
  }
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  FR_ASSIGN_OR_RETURN(const auto page, voicemails.List(*context.principal, HotlineId(*hotline),
                                                       listened, *limit, *offset));
  return JsonTextResponse(200, PageJson("voicemails", page.voicemails, "totalVoicemails",
                                        page.total, WriteVoicemail));
}

HandlerResult Get(VoicemailService& voicemails, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const VoicemailPath path, ReadVoicemailPath(context));
  FR_ASSIGN_OR_RETURN(const Voicemail voicemail,
                      voicemails.Get(*context.principal, path.hotline, path.voicemail));
  return VoicemailResponse(voicemail);
}

// The recording as audio/wav; a single byte range (206, or 416 beyond the end) when asked.
HandlerResult Audio(VoicemailService& voicemails, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const VoicemailPath path, ReadVoicemailPath(context));
  FR_ASSIGN_OR_RETURN(const VoicemailAudioFile audio,
                      voicemails.Audio(*context.principal, path.hotline, path.voicemail));
  const auto header = context.request.Header("range");
  const auto range = header ? ParseRange(*header, audio.size) : std::nullopt;
  if (range && range->first >= audio.size) {
    return ProblemResponse(RangeNotSatisfiableProblem(audio.size), context.request.request_id)
        .WithHeader("Content-Range", "bytes */" + std::to_string(audio.size));
  }
  const std::uint64_t first = range ? range->first : 0;
  const std::uint64_t length = range ? range->last - range->first + 1 : audio.size;
  FR_ASSIGN_OR_RETURN(std::string bytes, voicemails.ReadAudio(audio, first, length));
  Response response;
  response.status = range ? 206 : 200;
  response.content_type = "audio/wav";
  response.body = std::move(bytes);
  response.WithHeader("Accept-Ranges", "bytes");
  if (range) {
    response.WithHeader("Content-Range", "bytes " + std::to_string(first) + "-" +
                                             std::to_string(first + length - 1) + "/" +
                                             std::to_string(audio.size));
  }
  return response;
}

HandlerResult SetListened(VoicemailService& voicemails, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const VoicemailPath path, ReadVoicemailPath(context));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(context.request.body));
  FieldReader reader(object);
  const auto listened = reader.Bool("listened", true);
  FR_RETURN_IF_ERROR(reader.Finish("The voicemail is invalid."));
  FR_ASSIGN_OR_RETURN(const Voicemail voicemail, voicemails.SetListened(*context.principal,
                                                                        path.hotline,
                                                                        path.voicemail,
                                                                        *listened));
  return VoicemailResponse(voicemail);
}

HandlerResult Delete(VoicemailService& voicemails, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const VoicemailPath path, ReadVoicemailPath(context));
  FR_RETURN_IF_ERROR(voicemails.Delete(*context.principal, path.hotline, path.voicemail));
  return NoContentResponse();
}

}  // namespace

void AddVoicemailRoutes(Router& router, VoicemailService& voicemails) {
  using Function = HandlerResult (*)(VoicemailService&, const RequestContext&);
  const auto bind = [&voicemails](Function handler) {
    return [&voicemails, handler](const RequestContext& context) {
      return handler(voicemails, context);
    };
  };
  const std::string one = "/v1/hotlines/{hotlineID}/voicemails/{voicemailID}";
  router.Add({"GET", "/v1/hotlines/{hotlineID}/voicemails", AuthPolicy::kTokenRequired,
              bind(List)});
  router.Add({"GET", one, AuthPolicy::kTokenRequired, bind(Get)});
  router.Add({"PUT", one, AuthPolicy::kTokenRequired, bind(SetListened)});
  router.Add({"DELETE", one, AuthPolicy::kTokenRequired, bind(Delete)});
  router.Add({"GET", one + "/audio", AuthPolicy::kTokenRequired, bind(Audio)});
}

}  // namespace fr::http
