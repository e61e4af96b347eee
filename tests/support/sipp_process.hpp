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

// A UDP socket on `local_ip` (any loopback address, "127.0.0.2") and an ephemeral port, for
// talking SIP to a service on 127.0.0.1 as a source of the test's choosing.
class UdpPeer {
 public:
  explicit UdpPeer(const std::string& local_ip);
  ~UdpPeer();
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  const std::string& ip() const { return ip_; }
  std::uint16_t port() const { return port_; }
  void Send(std::uint16_t to_port, const std::string& datagram) const;
  // The datagrams received until one starts with a final SIP status line ("SIP/2.0 2xx"-"6xx")
  // or nothing came for `quiet`; in the order they came.
  std::vector<std::string> Receive(std::chrono::milliseconds quiet) const;

 private:
  std::string ip_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

class SippProcess {
 public:
  // Starts `sipp -sf <scenario> -i 127.0.0.1 -p <port> -m 1 …` plus extra_args, its output and
  // logs in a fresh temporary directory, on `port` (0: a free one). Returns once sipp has bound
  // its port (the TCP port with "-t t1" among extra_args, else the UDP port). "-i <address>"
  // among extra_args binds sipp to another loopback address.
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
  // How many responses with `status` sipp received, retransmissions included.
  std::size_t ReceivedResponses(int status) const;

 private:
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path dir_;
};

}  // namespace fr::testing
