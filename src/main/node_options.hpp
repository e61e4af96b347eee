#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace fr {

// How this process names itself among the nodes on one database (decision 0040), as given.
struct NodeOptions {
  std::string node_id;  // empty: the host name and the SIP (or else HTTP) address
  std::string node_lease = "15s";
};

struct NodeConfig {
  std::string id;
  std::chrono::milliseconds lease{15000};
};

void AddNodeOptions(CLI::App& command, NodeOptions& options);

// The node's id and lease. `sip_listen` ("off" without a phone line) and `http_listen` are the
// addresses as given. Errors: kInvalidArgument naming the option.
Result<NodeConfig> NodeConfigOf(const NodeOptions& options, const std::string& sip_listen,
                                const std::string& http_listen);

}  // namespace fr
