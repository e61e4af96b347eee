#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/telephony/sip/digest_auth.hpp"

// Whether and how to answer a 401/407 to one of our requests to the trunk: the policy around
// digest_auth's mechanics. Pure and single-threaded (the SIP thread owns each state); the SIP
// loop asks it for INVITEs today and is meant to ask it for REGISTER too.
namespace fr::sip {

// The account the service holds at its trunk.
struct TrunkAccount {
  std::string username;
  std::string password;
  std::string realm;  // empty: answer whatever realm the trunk names
  // Transport source addresses (numeric IPs) a challenge may come from: the trunk's. A
  // challenge from any other address is never answered.
  std::vector<std::string> trunk_addresses;
};

// One request's credentials so far; starts empty and lives as long as the request is retried.
struct ChallengeState {
  std::optional<std::string> authorization;        // to send in Authorization
  std::optional<std::string> proxy_authorization;  // to send in Proxy-Authorization
  std::string answered_nonce_401;  // the nonce we last answered in a 401; empty: none yet
  std::string answered_nonce_407;
  int answers = 0;  // challenges answered for this request
};

// A challenge as received: a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) response.
struct ReceivedChallenge {
  int status = 401;
  std::vector<std::string> header_values;  // every WWW-/Proxy-Authenticate value, in order
  std::string source_ip;                   // transport source of the response; empty: unknown
};

// The request being authenticated.
struct ChallengedRequest {
  std::string_view method;  // "INVITE"
  std::string_view uri;     // its Request-URI as sent
  std::string_view cnonce;  // fresh random text for this answer
};

// Answers `challenge` for `request`: on success fills state.authorization (401) or
// state.proxy_authorization (407) and returns nullopt; the request is then sent again with both.
// Otherwise returns why not, in words for a call log ("the trunk refused our credentials (realm
// "x")"), and sends nothing: without an account; from a source that is not the trunk; without
// a challenge we can answer (Digest, MD5 or SHA-256, qop auth or none) for the configured realm;
// or when the same kind of challenge comes again after we answered it (wrong credentials),
// unless it says stale=true with a new nonce, which is answered once more.
std::optional<std::string> AnswerChallenge(const std::optional<TrunkAccount>& account,
                                           ChallengeState& state,
                                           const ReceivedChallenge& challenge,
                                           const ChallengedRequest& request);

}  // namespace fr::sip
