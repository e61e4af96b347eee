#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/peer_process.hpp"
#include "support/temp_dir.hpp"

namespace fr::testing {

// How the carrier (tests/peers/kamailio/carrier.cfg) behaves; each field becomes one of the
// config's defines, documented there.
struct CarrierSettings {
  std::string realm = "carrier.test";               // REALM
  std::string service_user = "hotline";             // SERVICE_USER
  std::string service_password = "hotline-secret";  // SERVICE_PASSWORD
  // PHONE_PASSWORD: the password of every other user. Unset: phones register without
  // credentials, and only the service may call them.
  std::optional<std::string> phone_password;
  std::string auth_algorithm;               // AUTH_ALGORITHM: "", "MD5" or "SHA-256"
  bool challenge_invites_with_401 = false;  // INVITE_CHALLENGE_401 (default 407)
  // HOTLINE_NUMBERS: a POSIX extended regular expression matched against the Request-URI's user
  // part; empty: no call goes to the service.
  std::string hotline_numbers;
  // SERVICE_HOSTPORT ("127.0.0.1:5070"): calls for hotline numbers go there with the number in
  // the Request-URI. Empty: to the contact the service registered as service_user, with the
  // number in To and P-Called-Party-ID.
  std::string service_hostport;
  std::string service_transport;  // SERVICE_TRANSPORT: "", "tcp" or "tls"
  int max_expires = 3600;         // MAX_EXPIRES, in seconds
  bool tls = false;  // WITH_TLS: also a TLS listener, with a fresh self-signed certificate
  // The UDP and TCP port to listen on, for a service that must be told it before the carrier
  // starts (take it from FreeUdpAndTcpPort()); 0: a free one.
  std::uint16_t port = 0;
};

// Kamailio as a carrier's edge on 127.0.0.1, for end-to-end tests: started in the foreground on
// free ports with the config in tests/peers/kamailio/, everything it writes in a temporary
// directory, stopped and removed when the object dies. Not thread-safe: one test thread owns it.
class KamailioProcess {
 public:
  // Starts Kamailio and returns once it answers an OPTIONS on its UDP port. Throws
  // std::runtime_error (with Kamailio's log) if it does not start within 10 s.
  explicit KamailioProcess(CarrierSettings settings = {});
  ~KamailioProcess();
  KamailioProcess(const KamailioProcess&) = delete;
  KamailioProcess& operator=(const KamailioProcess&) = delete;

  // The port of its UDP and TCP listeners.
  std::uint16_t port() const { return port_; }
  // The port of its TLS listener; 0 without settings.tls.
  std::uint16_t tls_port() const { return tls_port_; }
  // "127.0.0.1:<port>", the carrier's domain in the accounts of phones and service.
  std::string host_port() const { return "127.0.0.1:" + std::to_string(port_); }
  // The self-signed certificate of the TLS listener (PEM, CN and IP SAN 127.0.0.1).
  std::filesystem::path tls_certificate() const { return dir_.path() / "carrier-cert.pem"; }
  const CarrierSettings& settings() const { return settings_; }

  // Kamailio's log so far: its own messages and one "carrier: …" line per routing decision
  // (request received, challenged, authenticated, registered, forwarded where).
  std::string Log() const;
  // The "carrier: …" lines of the log, in order, each from "carrier:" on.
  std::vector<std::string> CarrierLines() const;
  // Waits until a "carrier: …" line contains `text`; false after `timeout`.
  bool WaitForLine(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  std::vector<std::string> Arguments() const;
  void WriteTlsFiles() const;
  bool AnswersOptions(std::chrono::milliseconds timeout);

  CarrierSettings settings_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::unique_ptr<PeerProcess> process_;
};

}  // namespace fr::testing
