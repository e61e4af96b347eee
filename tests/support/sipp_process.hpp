#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// Runs sipp as a child process on loopback, for the SIP adapter and end-to-end tests.
namespace fr::testing {

// A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
std::uint16_t FreeUdpPort();

// Sends one UDP datagram from an ephemeral port to 127.0.0.1:port.
void SendUdp(std::uint16_t port, const std::string& datagram);

class SippProcess {
 public:
  // Starts `sipp -sf <scenario> -i 127.0.0.1 -p <port> -m 1 …` plus extra_args, its output and
  // logs in a fresh temporary directory, on `port` (0: a free one). Returns once sipp has bound
  // its port (the TCP port with "-t t1" among extra_args, else the UDP port).
  SippProcess(const std::filesystem::path& scenario, const std::vector<std::string>& extra_args,
              std::uint16_t port = 0);
  ~SippProcess();  // kills sipp if it still runs
  SippProcess(const SippProcess&) = delete;
  SippProcess& operator=(const SippProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // sipp's exit status (0: the call succeeded), or -1 if it had to be killed after timeout.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(40));
  // Screen, error log and message log, for failure messages.
  std::string Logs() const;
  // The `From:` header line of every INVITE sipp received, in order ("From: \"…\" <sip:…>;tag=…").
  std::vector<std::string> ReceivedInviteFroms() const;
  // Every INVITE sipp received, whole (lines joined with "\r\n"), in order.
  std::vector<std::string> ReceivedInvites() const;
  // Every request of `method` ("REGISTER") sipp received, whole, in order.
  std::vector<std::string> ReceivedRequests(const std::string& method) const;

 private:
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path dir_;
};

}  // namespace fr::testing
