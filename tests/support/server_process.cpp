#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <algorithm>
#include <thread>

namespace fr::testing {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// fork + exec with stdout and stderr redirected to files.
pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
            const std::filesystem::path& err) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

std::string BinaryPath() { return FR_BINARY_PATH; }

int RunProcess(const std::vector<std::string>& argv, std::string& output) {
  TempDir scratch;
  const pid_t pid = Spawn(argv, scratch.path() / "out", scratch.path() / "err");
  const int code = WaitExit(pid);
  output = ReadFile(scratch.path() / "out");
  return code;
}

ServerProcess::ServerProcess() {
  if (ServersUsePostgresql()) {
    postgresql_ = std::make_unique<PostgresDatabase>();
    database_url_ = postgresql_->url();
  } else {
    database_url_ = "sqlite:" + (dir_.path() / "fr.db").string();
  }
}

ServerProcess::ServerProcess(std::string database_url) : database_url_(std::move(database_url)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitExit(pid_);
  }
}

int ServerProcess::AdminRaw(const std::vector<std::string>& args, std::string& output) const {
  std::vector<std::string> argv = {BinaryPath(), "admin", "--json", "--database", database_url()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, output);
}

nlohmann::json ServerProcess::Admin(const std::vector<std::string>& args) const {
  std::string output;
  const int code = AdminRaw(args, output);
  if (code != 0) throw std::runtime_error("admin command failed (" + std::to_string(code) + "): " + output);
  return nlohmann::json::parse(output);
}

void ServerProcess::Start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {BinaryPath(),         "serve",
                                   "--listen",           "127.0.0.1:0",
                                   "--database",         database_url(),
                                   "--listen-file",      (dir() / "listen.json").string()};
  if (std::find(extra_args.begin(), extra_args.end(), "--workers") == extra_args.end()) {
    argv.insert(argv.end(), {"--workers", "2"});
  }
  // Parallel tests cannot all have SIP's port 5060: the phone line is off unless asked for.
  if (std::find(extra_args.begin(), extra_args.end(), "--sip-listen") == extra_args.end()) {
    argv.insert(argv.end(), {"--sip-listen", "off"});
  }
  // The webhook key beside the test's database, also on PostgreSQL (whose default is the
  // working folder).
  if (std::find(extra_args.begin(), extra_args.end(), "--webhook-key-file") == extra_args.end()) {
    argv.insert(argv.end(), {"--webhook-key-file", (dir() / "webhook.key").string()});
  }
  // The voicemails beside the test's database, also on PostgreSQL (whose default is the working
  // folder, shared by parallel tests).
  if (std::find(extra_args.begin(), extra_args.end(), "--voicemail-dir") == extra_args.end()) {
    argv.insert(argv.end(), {"--voicemail-dir", (dir() / "voicemails").string()});
  }
  // Each server is its own node, also across restarts (its folder's name): two servers on one
  // database must not share the default name (the host and "127.0.0.1:0").
  if (std::find(extra_args.begin(), extra_args.end(), "--node-id") == extra_args.end()) {
    argv.insert(argv.end(), {"--node-id", "test-" + dir().filename().string()});
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // Cleared here, not only in the child, so that the wait below never reads the last run's log.
  std::filesystem::remove(dir() / "stdout.log");
  std::filesystem::remove(dir() / "stderr.log");
  std::filesystem::remove(dir() / "listen.json");
  pid_ = Spawn(argv, dir() / "stdout.log", dir() / "stderr.log");
  // The listen file appears, whole, once the service is ready, whatever the log level.
  const std::regex listening(R"re("http":"http://127\.0\.0\.1:(\d+)")re");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string written = ReadFile(dir() / "listen.json");
    if (std::regex_search(written, match, listening)) {
      port_ = std::stoi(match[1]);
      return;
    }
    const std::string log = Stderr();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server exited during start: " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("server did not start listening: " + Stderr());
}

void ServerProcess::Terminate() {
  if (pid_ > 0) kill(pid_, SIGTERM);
  terminated_ = true;
}

std::optional<int> ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      terminated_ = false;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return -WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  if (!terminated_) kill(pid_, SIGTERM);
  terminated_ = false;
  const int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitExit(pid_);
  pid_ = -1;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                           const std::string& name)
    : out_(dir / (name + ".out")), err_(dir / (name + ".err")), pid_(Spawn(argv, out_, err_)) {}

ChildProcess::~ChildProcess() { Kill(); }

bool ChildProcess::WaitForStdout(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Stdout().find(text) != std::string::npos) return true;
    int status = 0;
    if (pid_ <= 0 || waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Stdout().find(text) != std::string::npos;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int ChildProcess::Wait() {
  if (pid_ <= 0) return -1;
  const int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitExit(pid_);
  pid_ = -1;
}

std::string ChildProcess::Stdout() const { return ReadFile(out_); }
std::string ChildProcess::Stderr() const { return ReadFile(err_); }

std::string ServerProcess::Stdout() const { return ReadFile(dir() / "stdout.log"); }
std::string ServerProcess::Stderr() const { return ReadFile(dir() / "stderr.log"); }

}  // namespace fr::testing
