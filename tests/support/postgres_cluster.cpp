#include "support/postgres_cluster.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace fr::testing {
namespace {

const std::filesystem::path kBin = "/usr/lib/postgresql/15/bin";
constexpr const char* kSuperuser = "fr";

// Whom the server and its tools run as: ourselves, or `nobody` when we are root (initdb and
// postgres refuse to run as root).
struct RunAs {
  bool drop = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

RunAs ServerUser() {
  RunAs user;
  if (geteuid() != 0) return user;
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) throw std::runtime_error("running as root, but there is no user nobody");
  user = {true, nobody->pw_uid, nobody->pw_gid};
  return user;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `argv` in `folder` as the server's user, its output appended to folder/commands.log;
// throws with that log when it fails.
void Run(const std::vector<std::string>& argv, const std::filesystem::path& folder) {
  const RunAs user = ServerUser();
  const std::filesystem::path log = folder / "commands.log";
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = open("/dev/null", O_RDONLY);
    if (out < 0 || null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
      _exit(126);
    if (chdir(folder.c_str()) != 0) _exit(126);
    if (user.drop &&
        (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)) {
      _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(argv[0] + " failed:\n" + ReadFile(log) + "\nserver log:\n" +
                             ReadFile(folder / "server.log"));
  }
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

// Settings for a cluster that is thrown away: nothing is fsynced (a test's "crash" is a killed
// server, not a lost machine: the kernel keeps what was written). synchronous_commit is off
// here on purpose: the service must turn it on for its own sessions, and the durability test
// would lose writes if it did not.
std::string Settings(int port) {
  return "listen_addresses = '127.0.0.1'\n"
         "port = " +
         std::to_string(port) +
         "\n"
         "unix_socket_directories = ''\n"
         "max_connections = 300\n"
         "fsync = off\n"
         "full_page_writes = off\n"
         "synchronous_commit = off\n"
         "shared_buffers = 32MB\n"
         "log_min_messages = warning\n";
}

std::unique_ptr<PGconn, decltype(&PQfinish)> Connect(const std::string& url) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " + PQerrorMessage(connection.get()));
  }
  return connection;
}

}  // namespace

std::unique_ptr<PostgresCluster> PostgresCluster::Create() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/fr-postgres-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path folder = pattern;
  const RunAs user = ServerUser();
  if (user.drop && chown(folder.c_str(), user.uid, user.gid) != 0) {
    std::filesystem::remove_all(folder);
    throw std::runtime_error("cannot give " + folder.string() + " to nobody");
  }
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster(folder, 0, true));
  Run({(kBin / "initdb").string(), "-D", (folder / "data").string(), "-U", kSuperuser,
       "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
      folder);
  // A port found free may be taken before the server binds it: then another one.
  for (int attempt = 0;; ++attempt) {
    cluster->port_ = FreeLoopbackPort();
    std::ofstream(folder / "data" / "postgresql.conf", std::ios::app) << Settings(cluster->port_);
    try {
      cluster->Start();
      break;
    } catch (const std::exception&) {
      if (attempt == 2) throw;
    }
  }
  std::ofstream(folder / "port") << cluster->port_;
  return cluster;
}

std::unique_ptr<PostgresCluster> PostgresCluster::Attach(const std::filesystem::path& folder) {
  const int port = std::atoi(ReadFile(folder / "port").c_str());
  if (port <= 0) throw std::runtime_error("no PostgreSQL test cluster in " + folder.string());
  return std::unique_ptr<PostgresCluster>(new PostgresCluster(folder, port, false));
}

PostgresCluster::~PostgresCluster() {
  if (!owned_) return;
  try {
    Stop("immediate");
  } catch (const std::exception&) {
    // Already stopped, or never started: the folder goes either way.
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::string PostgresCluster::Url(const std::string& database) const {
  return std::string("postgresql://") + kSuperuser + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

void PostgresCluster::Execute(const std::string& sql, const std::string& database) const {
  const auto connection = Connect(Url(database));
  PGresult* result = PQexec(connection.get(), sql.c_str());
  const bool ok =
      PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
  const std::string error = ok ? "" : PQresultErrorMessage(result);
  PQclear(result);
  if (!ok) throw std::runtime_error(sql + ": " + error);
}

std::string PostgresCluster::Query(const std::string& sql, const std::string& database) const {
  const auto connection = Connect(Url(database));
  PGresult* result = PQexec(connection.get(), sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    const std::string error = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error(sql + ": " + error);
  }
  std::string value =
      PQntuples(result) > 0 && !PQgetisnull(result, 0, 0) ? PQgetvalue(result, 0, 0) : "";
  PQclear(result);
  return value;
}

void PostgresCluster::Stop(const std::string& mode) {
  Run({(kBin / "pg_ctl").string(), "-D", (folder_ / "data").string(), "-m", mode, "-w", "stop"},
      folder_);
}

void PostgresCluster::Start() {
  Run({(kBin / "pg_ctl").string(), "-D", (folder_ / "data").string(), "-l",
       (folder_ / "server.log").string(), "-w", "-t", "60", "start"},
      folder_);
}

PostgresCluster& SharedPostgresCluster() {
  static const std::unique_ptr<PostgresCluster> cluster = [] {
    const char* fixture = std::getenv("FR_TEST_POSTGRES_CLUSTER");
    if (fixture != nullptr && *fixture != '\0') {
      std::string folder = ReadFile(fixture);
      while (!folder.empty() && folder.back() == '\n') folder.pop_back();
      return PostgresCluster::Attach(folder);
    }
    return PostgresCluster::Create();
  }();
  return *cluster;
}

PostgresDatabase::PostgresDatabase() {
  static std::atomic<int> counter{0};
  std::random_device random;
  name_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
          std::to_string(random() % 1000000);
  SharedPostgresCluster().Execute("CREATE DATABASE " + name_);
}

void PostgresDatabase::CopyFrom(const std::string& template_name) {
  SharedPostgresCluster().Execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  SharedPostgresCluster().Execute("CREATE DATABASE " + name_ + " TEMPLATE " + template_name);
}

PostgresDatabase::~PostgresDatabase() {
  try {
    SharedPostgresCluster().Execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is thrown away with whatever is left in it.
  }
}

bool ServersUsePostgresql() {
  const char* backend = std::getenv("FR_TEST_DATABASE");
  const char* fixture = std::getenv("FR_TEST_POSTGRES_CLUSTER");
  return (backend != nullptr && std::string(backend) == "postgresql") ||
         (fixture != nullptr && *fixture != '\0');
}

}  // namespace fr::testing
