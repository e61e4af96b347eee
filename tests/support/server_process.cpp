#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
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

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// An exclusive flock on `path` for the object's lifetime: one test process at a time builds a
// seed or copies it.
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path)
      : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ < 0 || flock(fd_, LOCK_EX) != 0) {
      if (fd_ >= 0) close(fd_);
      throw std::runtime_error("cannot lock " + path.string());
    }
  }
  ~FileLock() { close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// What a seed was made with: another build of the server or of the tests (whose `build` may
// have changed), or another PostgreSQL cluster, makes it stale.
std::string SeedStamp(const std::string& backend) {
  const auto stamp_of = [](const std::filesystem::path& file) {
    return std::to_string(std::filesystem::last_write_time(file).time_since_epoch().count()) + ":" +
           std::to_string(std::filesystem::file_size(file));
  };
  return backend + " " + stamp_of(BinaryPath()) + " " +
         stamp_of(std::filesystem::read_symlink("/proc/self/exe"));
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

nlohmann::json ServerProcess::Seed(const std::string& name,
                                   const std::function<nlohmann::json()>& build) {
  if (!postgresql_ && !database_url_.starts_with("sqlite:")) {
    throw std::logic_error("Seed needs a database of this ServerProcess's own");
  }
  const std::string backend =
      postgresql_ ? "postgresql " + SharedPostgresCluster().folder().string() : "sqlite";
  const std::filesystem::path cache =
      std::filesystem::path(FR_TEST_SEED_DIR) / (name + (postgresql_ ? "-postgresql" : "-sqlite"));
  std::filesystem::create_directories(cache);
  const FileLock lock(cache / "lock");
  const std::string stamp = SeedStamp(backend);
  if (ReadFile(cache / "stamp") == stamp) {
    if (postgresql_) {
      postgresql_->CopyFrom(ReadFile(cache / "template"));
    } else {
      std::filesystem::copy_file(cache / "seed.db", dir() / "fr.db");
    }
    return nlohmann::json::parse(ReadFile(cache / "seed.json"));
  }
  std::filesystem::remove(cache / "stamp");
  const nlohmann::json answer = build();
  if (postgresql_) {
    const std::string template_name =
        "seed_" + std::to_string(getpid()) + "_" + postgresql_->name();
    SharedPostgresCluster().Execute("CREATE DATABASE " + template_name + " TEMPLATE " +
                                    postgresql_->name());
    WriteFile(cache / "template", template_name);
  } else {
    Admin({"backup", "--to", (cache / "seed.db").string()});
  }
  WriteFile(cache / "seed.json", answer.dump());
  WriteFile(cache / "stamp", stamp);
  return answer;
}

void ServerProcess::Start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {BinaryPath(), "serve", "--database", database_url(),
                                   "--listen-file", (dir() / "listen.json").string()};
  // An ephemeral port unless the test needs a fixed one (a node behind nginx, restarted).
  if (std::find(extra_args.begin(), extra_args.end(), "--listen") == extra_args.end()) {
    argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
  }
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
  // Tests that are not about agent phones' verification ring the phones they create at once,
  // as a lab would (decision 0070); the verification tests pass "--require-verified-phones on".
  if (std::find(extra_args.begin(), extra_args.end(), "--require-verified-phones") ==
      extra_args.end()) {
    argv.insert(argv.end(), {"--require-verified-phones", "off"});
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
