#include "adapters/telephony/sip/trunk_challenge.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace fr::sip {
namespace {

// A request answers at most this many challenges: one 401 and one 407 (a registrar and a
// proxy may both ask) and one stale nonce renewed. More is a loop, not authentication.
constexpr int kMaxAnswers = 3;

std::string RealmsOf(const std::vector<DigestChallenge>& challenges) {
  std::string realms;
  for (const DigestChallenge& challenge : challenges) {
    if (!challenge.IsDigest()) continue;
    if (!realms.empty()) realms += ", ";
    realms += QuotedForLog(challenge.realm);
  }
  return realms.empty() ? "none" : realms;
}

std::string Describe(const DigestChallenge& challenge) {
  std::string text = QuotedForLog(challenge.scheme);
  if (challenge.IsDigest()) {
    text += " " + (challenge.algorithm_text.empty() ? std::string("MD5")
                                                    : QuotedForLog(challenge.algorithm_text));
    if (!challenge.qop.empty()) {
      text += " qop";
      for (const std::string& option : challenge.qop) text += " " + QuotedForLog(option);
    }
  }
  return text;
}

// Why none of `challenges` can be answered with the account's realm.
std::string WhyNoneFits(const std::vector<DigestChallenge>& challenges,
                        const TrunkAccount& account) {
  bool answerable = false;
  for (const DigestChallenge& challenge : challenges) answerable |= challenge.CanAnswer();
  if (answerable) {
    return "the trunk asked for realm " + RealmsOf(challenges) + ", not the configured " +
           QuotedForLog(account.realm) + "; credentials not sent";
  }
  std::string offered;
  for (const DigestChallenge& challenge : challenges) {
    offered += (offered.empty() ? "" : ", ") + Describe(challenge);
  }
  return "the trunk's challenge (" + (offered.empty() ? std::string("unreadable") : offered) +
         ") is not one we can answer (Digest with MD5 or SHA-256, qop auth)";
}

}  // namespace

std::optional<std::string> AnswerChallenge(const std::optional<TrunkAccount>& account,
                                           ChallengeState& state,
                                           const ReceivedChallenge& challenge,
                                           const ChallengedRequest& request) {
  std::vector<DigestChallenge> challenges;
  for (const std::string& value : challenge.header_values) {
    auto parsed = ParseChallenges(value);
    challenges.insert(challenges.end(), parsed.begin(), parsed.end());
  }
  if (!account) {
    return "the trunk asks for credentials (realm " + RealmsOf(challenges) +
           ") and none are configured";
  }
  const auto& trunk = account->trunk_addresses;
  if (challenge.source_ip.empty() ||
      std::find(trunk.begin(), trunk.end(), challenge.source_ip) == trunk.end()) {
    return "a challenge from " +
           (challenge.source_ip.empty() ? std::string("an unknown source") : challenge.source_ip) +
           ", which is not the trunk; credentials not sent";
  }
  const std::optional<DigestChallenge> chosen = ChooseChallenge(challenges, account->realm);
  if (!chosen) return WhyNoneFits(challenges, *account);
  std::string& answered_nonce =
      challenge.status == 407 ? state.answered_nonce_407 : state.answered_nonce_401;
  const bool renewal = !answered_nonce.empty();
  if (renewal && (!chosen->stale || chosen->nonce == answered_nonce)) {
    return "the trunk refused our credentials (realm " + QuotedForLog(chosen->realm) + ")";
  }
  if (state.answers >= kMaxAnswers) {
    return "the trunk keeps challenging (realm " + QuotedForLog(chosen->realm) + "); gave up";
  }
  const std::string credentials = BuildCredentials(
      *chosen,
      {account->username, account->password, request.method, request.uri, request.cnonce, 1});
  (challenge.status == 407 ? state.proxy_authorization : state.authorization) = credentials;
  answered_nonce = chosen->nonce;
  ++state.answers;
  return std::nullopt;
}

}  // namespace fr::sip
