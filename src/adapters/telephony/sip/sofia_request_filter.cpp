#include "adapters/telephony/sip/sofia_request_filter.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

#include "adapters/telephony/sip/sip_invite_info.hpp"

namespace fr::sip {
namespace {

// A message class carries no user data: each filter's class is mapped to its shield here.
// Looked up once per request received, on each endpoint's SIP thread.
std::mutex registry_mu;
std::vector<std::pair<const msg_mclass_t*, RequestShield*>> registry;  // Guarded by registry_mu.

RequestShield* ShieldOf(const msg_mclass_t* mclass) {
  std::lock_guard lock(registry_mu);
  for (const auto& [known, shield] : registry) {
    if (known == mclass) return shield;
  }
  return nullptr;
}

issize_t ExtractBodyThroughShield(msg_t* msg, msg_pub_t* pub, char b[], isize_t bsiz, int eos) {
  // The first call for a message comes at the empty line after its headers; later calls (a
  // body still arriving over TCP) find MSG_FLG_BODY set and are not asked about again.
  const bool headers_just_ended = (pub->msg_flags & MSG_FLG_BODY) == 0;
  // sofia's own extractor does the work; ours only decides.
  const issize_t extracted = sip_default_mclass()->mc_extract_body(msg, pub, b, bsiz, eos);
  sip_t* sip = reinterpret_cast<sip_t*>(pub);
  if (!headers_just_ended || sip->sip_request == nullptr) return extracted;
  const std::string source = SourceAddress(msg);
  RequestShield* shield = source.empty() ? nullptr : ShieldOf(msg_mclass(msg));
  if (shield == nullptr) return extracted;
  const sip_user_agent_t* agent = sip->sip_user_agent;
  const std::string_view user_agent =
      agent != nullptr && agent->g_string != nullptr ? agent->g_string : "";
  const RequestShield::Request request{source, user_agent,
                                       sip->sip_request->rq_method == sip_method_ack};
  if (!shield->Admit(request, std::chrono::steady_clock::now())) {
    msg_header_remove(msg, pub, reinterpret_cast<msg_header_t*>(sip->sip_request));
  }
  return extracted;
}

}  // namespace

SofiaRequestFilter::SofiaRequestFilter(RequestShield& shield) {
  mclass_ = msg_mclass_clone(sip_default_mclass(), 0, 0);
  if (mclass_ == nullptr) {
    spdlog::error("sip: cannot make sofia's message class; floods and scanners are not filtered");
    return;
  }
  mclass_->mc_extract_body = ExtractBodyThroughShield;
  std::lock_guard lock(registry_mu);
  registry.emplace_back(mclass_, &shield);
}

SofiaRequestFilter::~SofiaRequestFilter() {
  if (mclass_ == nullptr) return;
  {
    std::lock_guard lock(registry_mu);
    std::erase_if(registry, [this](const auto& entry) { return entry.first == mclass_; });
  }
  std::free(mclass_);  // msg_mclass_clone() allocates with malloc()
}

}  // namespace fr::sip
