#include "support/peer_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fr::testing {
namespace {

sockaddr_in Loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Binds a socket of `type` to 127.0.0.1:port (0: any) and returns the port, or 0 if it is taken.
std::uint16_t TryBind(int type, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) throw std::runtime_error("cannot open a socket");
  sockaddr_in address = Loopback(port);
  std::uint16_t bound = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    bound = ntohs(address.sin_port);
  }
  ::close(fd);
  return bound;
}

// Reaps `pid` if it has exited; true then, with its exit code (or -signal) in `code`.
bool Reaped(pid_t pid, int& code) {
  int status = 0;
  pid_t done;
  while ((done = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (done != pid) return false;
  code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
  return true;
}

}  // namespace

std::uint16_t FreeUdpAndTcpPort(bool also_next) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint16_t port = TryBind(SOCK_DGRAM, 0);
    if (port == 0 || port == 65535) continue;
    if (TryBind(SOCK_STREAM, port) == 0) continue;
    if (also_next && TryBind(SOCK_STREAM, static_cast<std::uint16_t>(port + 1)) == 0) continue;
    return port;
  }
  throw std::runtime_error("no free UDP and TCP port on 127.0.0.1");
}

std::uint16_t FreeTcpPort() {
  const std::uint16_t port = TryBind(SOCK_STREAM, 0);
  if (port == 0) throw std::runtime_error("no free TCP port on 127.0.0.1");
  return port;
}

std::string ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

// The guardian's answer to its parent's death: the whole group goes (async-signal-safe).
void KillGroup(int) { ::kill(0, SIGKILL); }

// Runs in the forked child, which leads the group: it makes sure the group dies with the test
// process, then runs the program in a grandchild and exits as it exits. A guardian is needed
// because Kamailio's workers outlive their main process, so a death signal on the program alone
// would leave them behind. Only async-signal-safe calls: the test process has threads.
[[noreturn]] void Guard(pid_t test_process, char* const* argv, const char* log, const char* dir) {
  ::setpgid(0, 0);
  ::signal(SIGTERM, SIG_IGN);  // Stop() signals the group; the program decides when it is done
  ::signal(SIGHUP, KillGroup);
  ::prctl(PR_SET_PDEATHSIG, SIGHUP);
  if (::getppid() != test_process) KillGroup(0);  // the test died before prctl took effect
  const pid_t program = ::fork();
  if (program == 0) {
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null_fd < 0 || log_fd < 0 || ::chdir(dir) != 0) _exit(126);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  while (program > 0 && ::waitpid(program, &status, 0) < 0 && errno == EINTR) {
  }
  _exit(program < 0 ? 126 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

}  // namespace

PeerProcess::PeerProcess(const std::vector<std::string>& argv, const std::filesystem::path& log,
                         const std::filesystem::path& working_dir)
    : log_(log) {
  // Everything the child needs is prepared before fork().
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::string log_path = log.string();
  const std::string dir = working_dir.string();
  const pid_t test_process = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) Guard(test_process, args.data(), log_path.c_str(), dir.c_str());
  ::setpgid(pid_, pid_);  // also here, so that Stop() right after start reaches the group
}

PeerProcess::~PeerProcess() { Stop(std::chrono::milliseconds(500)); }

bool PeerProcess::Running() {
  if (pid_ <= 0) return false;
  if (Reaped(pid_, exit_code_)) {
    ::kill(-pid_, SIGKILL);  // children the leader left behind
    pid_ = -1;
    return false;
  }
  return true;
}

int PeerProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return exit_code_;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    pid_ = -1;
  }
  return exit_code_;
}

int PeerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Stop();
}

std::string PeerProcess::Log() const { return ReadTextFile(log_); }

}  // namespace fr::testing
