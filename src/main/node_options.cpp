#include "main/node_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>

#include "main/telephony_options.hpp"

namespace fr {
namespace {

constexpr std::size_t kMaxNodeIdLength = 200;
constexpr auto kShortestLease = std::chrono::seconds(1);
constexpr auto kLongestLease = std::chrono::hours(1);

std::string HostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

bool Printable(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

void AddNodeOptions(CLI::App& command, NodeOptions& options) {
  command
      .add_option("--node-id", options.node_id,
                  "This node's name among the nodes on one database (default: host name and "
                  "SIP address)")
      ->envname("FR_NODE_ID");
  command
      .add_option("--node-lease", options.node_lease,
                  "How long a node that stopped renewing its lease still counts as alive")
      ->envname("FR_NODE_LEASE")
      ->capture_default_str();
}

Result<NodeConfig> NodeConfigOf(const NodeOptions& options, const std::string& sip_listen,
                                const std::string& http_listen) {
  NodeConfig config;
  config.id = options.node_id.empty()
                  ? HostName() + "/" + (sip_listen == "off" ? http_listen : sip_listen)
                  : options.node_id;
  if (config.id.size() > kMaxNodeIdLength || !Printable(config.id)) {
    return Error::InvalidArgument("--node-id must be 1 to 200 printable characters without "
                                  "spaces");
  }
  FR_ASSIGN_OR_RETURN(config.lease, ParseDuration("--node-lease", options.node_lease));
  if (config.lease < kShortestLease || config.lease > kLongestLease) {
    return Error::InvalidArgument("--node-lease must be between 1s and 1h");
  }
  return config;
}

}  // namespace fr
