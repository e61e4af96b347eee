#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace fr {

// `first-responder serve`: adds the subcommand and its options; the callback runs the server
// and stores the process exit code in `exit_code`.
void AddServeCommand(CLI::App& app, int& exit_code);

// `first-responder admin …`: organisations, users, memberships and tokens on a database.
void AddAdminCommands(CLI::App& app, int& exit_code);

// Options both subcommand trees share.
struct DatabaseOption {
  std::string url = "sqlite:var/first-responder.db";
};
void AddDatabaseOption(CLI::App& command, DatabaseOption& option);

}  // namespace fr
