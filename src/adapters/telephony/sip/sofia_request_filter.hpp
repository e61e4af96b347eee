#pragma once

#include "adapters/telephony/sip/request_shield.hpp"
#include "adapters/telephony/sip/sofia_headers.hpp"

// Where RequestShield sits in sofia (decision 0029). sofia-sip 1.12 has no hook between the
// transport and the transaction layer: nta answers (100 Trying, 405, 481…) before nua tells us
// of a request, and a server transaction cannot be ended without a response. What it does
// have is a replaceable message class: nta parses every message it receives with the class
// given as NTATAG_MCLASS, and the class's body extractor is called once per message, with the
// message itself (its source address) right after the last header was parsed. Ours asks the
// shield there; a request to be dropped loses its request line, so nta takes it for garbage
// and discards it without a word (as it does with any datagram that is no SIP message).
namespace fr::sip {

class SofiaRequestFilter {
 public:
  // `shield` must outlive the filter, and the filter the nua stack that uses mclass().
  explicit SofiaRequestFilter(RequestShield& shield);
  ~SofiaRequestFilter();
  SofiaRequestFilter(const SofiaRequestFilter&) = delete;
  SofiaRequestFilter& operator=(const SofiaRequestFilter&) = delete;

  // The message class to give nua_create() as NTATAG_MCLASS; null if it could not be made
  // (then sofia's default class is used and nothing is filtered).
  msg_mclass_t const* mclass() const { return mclass_; }

 private:
  msg_mclass_t* mclass_ = nullptr;
};

}  // namespace fr::sip
