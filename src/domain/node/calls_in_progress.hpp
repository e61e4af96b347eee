#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

// One channel a call or an agent leg holds until it ends.
using ChannelClaimId = Id<struct ChannelClaimTag>;

// Port: the calls in progress of every node of the service (decision 0039), so that a
// hotline's channel limits and "a volunteer on a call is not rung" hold however many nodes take
// calls. A claim is one inbound channel (a call) or one outbound channel (an agent's leg) of a
// hotline, held by this node until released; it may carry the phone number that is in a call
// because of it (the caller's, or the agent's once answered).
//
// Production: SociCallsInProgress on PostgreSQL (shared by the nodes, their claims released
// when a node's lease ends); InProcessCallsInProgress on SQLite, whose database serves one node.
// Every method is thread-safe and may block on storage: call it off the telephony control
// thread, unless MayBlock() says it never does. Errors of every method: kUnavailable,
// kInternal (storage failed).
class CallsInProgress {
 public:
  virtual ~CallsInProgress() = default;

  // False when every method only takes a lock in memory (never waits on storage or the
  // network): the control thread may then call MarkInCall and Release in place instead of
  // handing them to another thread (decision 0092).
  virtual bool MayBlock() const { return true; }

  // Takes one `direction` channel of `hotline` if fewer than `limit` are held (by any node);
  // `number` (the caller's, "00…") then counts as in a call until the release. nullopt: all
  // `limit` channels are held. A hotline deleted meanwhile has no channel: nullopt.
  virtual Result<std::optional<ChannelClaimId>> Claim(HotlineId hotline, LegDirection direction,
                                                      int limit,
                                                      const std::optional<std::string>& number) = 0;
  // The leg of `claim` was answered by the phone `number`: it is in a call until the release.
  // A claim released meanwhile is left alone.
  virtual Status MarkInCall(ChannelClaimId claim, const std::string& number) = 0;
  // Whether `number` is in a call of any node.
  virtual Result<bool> InCall(const std::string& number) = 0;
  // Gives the channel back. Idempotent: a claim already released (or released for a node whose
  // lease ended) is ignored.
  virtual Status Release(ChannelClaimId claim) = 0;
};

// Port: which nodes are alive (decision 0040). Each node renews its lease while it runs; a node
// whose lease ended crashed or lost the database, and what it held is released by another.
// Thread-safe. Errors of every method: kUnavailable, kInternal.
class NodeLeases {
 public:
  virtual ~NodeLeases() = default;
  // Node `node` is alive until `until`.
  virtual Status Renew(const std::string& node, Timestamp until) = 0;
  // The nodes whose lease ended before `now`, `except` left out.
  virtual Result<std::vector<std::string>> Expired(Timestamp now, const std::string& except) = 0;
  // Forgets `node`: releases every channel it holds and removes its lease (a later Renew adds
  // it again).
  virtual Status Forget(const std::string& node) = 0;
};

}  // namespace fr
