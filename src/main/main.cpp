#include <CLI/CLI.hpp>

#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "main/commands.hpp"
#include "main/logging.hpp"

namespace {

// `admin --json` promises one JSON object on every error, usage errors included; the flag is
// looked for in the raw arguments because parsing is what failed.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"first-responder: self-hostable hotlines answered by volunteers' phones"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "first-responder 0.1.0");
  int exit_code = 0;
  fr::AddServeCommand(app, exit_code);
  fr::AddAdminCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    if (code == 0) return 0;
    if (WantsJson(argc, argv)) {
      std::cout << nlohmann::json{{"error", "usage"}, {"detail", error.what()}}.dump(
                       -1, ' ', false, nlohmann::json::error_handler_t::replace)
                << std::endl;
    }
    return 2;
  }
  fr::ShutDownLogging();
  return exit_code;
}
