#pragma once

#include <string>
#include <vector>

#include "adapters/telephony/sip/sip_endpoint.hpp"
#include "adapters/telephony/sip/sofia_headers.hpp"

// Reading what the owner needs out of a parsed SIP message. Any header may be missing or
// malformed (sofia keeps what it could parse): every pointer is checked.
namespace fr::sip {

// The IncomingCall for a new INVITE. `request` is the message as received (for its transport
// source address); it may be null, then the source is left empty.
// The dialled number is read where `number_from` says.
IncomingCall DescribeInvite(LegId leg, msg_t* request, const sip_t* sip,
                            InboundNumberSource number_from = InboundNumberSource::kRequestUri);

// The transport source address of a received message ("192.0.2.1", "2001:db8::1"); empty when
// `request` is null or its address is not IP.
std::string SourceAddress(msg_t* request);

// The SDP body of a message: its payload if the Content-Type is application/sdp (or absent with
// a payload present); otherwise empty. Multipart bodies are not searched.
std::string RemoteSdp(const sip_t* sip);

// False for a response nta made up itself (503 for an unreachable trunk, 408 on timeout) and
// for null: only a peer's response is the peer's word.
bool IsFromPeer(const sip_t* sip);

// The challenges of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) as header text, one
// value per header field, rebuilt from sofia's parse (scheme and its "name=value" params).
std::vector<std::string> ChallengeValues(int status, const sip_t* sip);

}  // namespace fr::sip
