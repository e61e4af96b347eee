#include <CLI/CLI.hpp>

#include "main/commands.hpp"

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
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
