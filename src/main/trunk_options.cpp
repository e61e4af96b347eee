// The trunk's `serve` options: transport, account, From user and TLS files.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "adapters/telephony/sip/sip_text.hpp"
#include "main/telephony_options.hpp"

namespace fr {
namespace {

bool HasControlCharacter(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// The password: the file's first line (a trailing line break is not part of it), else the
// environment's value.
Result<std::string> PasswordOf(const TelephonyOptions& options, const char* from_environment) {
  if (options.sip_trunk_password_file.empty()) {
    return from_environment != nullptr ? std::string(from_environment) : std::string();
  }
  std::ifstream file(options.sip_trunk_password_file);
  if (!file) {
    return Error::InvalidArgument("--sip-trunk-password-file: cannot read " +
                                  options.sip_trunk_password_file);
  }
  std::string password;
  std::getline(file, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    return Error::InvalidArgument("--sip-trunk-password-file: " +
                                  options.sip_trunk_password_file + " starts with an empty line");
  }
  return password;
}

Result<sip::TrunkTransport> TransportOf(const std::string& name) {
  if (name == "udp") return sip::TrunkTransport::kUdp;
  if (name == "tcp") return sip::TrunkTransport::kTcp;
  if (name == "tls") return sip::TrunkTransport::kTls;
  return Error::InvalidArgument("--sip-trunk-transport must be udp, tcp or tls");
}

Status CheckTlsFiles(const TelephonyOptions& options, sip::TrunkTransport transport) {
  const bool given = !options.sip_tls_cert.empty() || !options.sip_tls_key.empty();
  if (transport != sip::TrunkTransport::kTls) {
    if (given) {
      return Error::InvalidArgument(
          "--sip-tls-cert and --sip-tls-key are used only with --sip-trunk-transport tls");
    }
    return Ok();
  }
  if (options.sip_tls_cert.empty() || options.sip_tls_key.empty()) {
    return Error::InvalidArgument(
        "--sip-trunk-transport tls needs --sip-tls-cert and --sip-tls-key (PEM files)");
  }
  for (const auto& [flag, path] : {std::pair{"--sip-tls-cert", options.sip_tls_cert},
                                   std::pair{"--sip-tls-key", options.sip_tls_key}}) {
    if (access(path.c_str(), R_OK) != 0) {
      return Error::InvalidArgument(std::string(flag) + ": cannot read " + path);
    }
  }
  return Ok();
}

}  // namespace

Result<sip::TrunkOptions> TrunkOptionsOf(const TelephonyOptions& options,
                                         const char* password_from_environment) {
  sip::TrunkOptions trunk;
  FR_ASSIGN_OR_RETURN(trunk.transport, TransportOf(options.sip_trunk_transport));
  FR_RETURN_IF_ERROR(CheckTlsFiles(options, trunk.transport));
  trunk.tls_certificate_file = options.sip_tls_cert;
  trunk.tls_private_key_file = options.sip_tls_key;
  if (!options.sip_trunk_from_user.empty() && !sip::IsValidSipUser(options.sip_trunk_from_user)) {
    return Error::InvalidArgument(
        "--sip-trunk-from-user must be a SIP user part: letters, digits and +-._!~*'()&=$,");
  }
  trunk.from_user = options.sip_trunk_from_user;
  FR_ASSIGN_OR_RETURN(std::string password, PasswordOf(options, password_from_environment));
  const std::string& username = options.sip_trunk_username;
  if (username.empty() != password.empty()) {
    return Error::InvalidArgument(
        username.empty() ? "a trunk password is set (--sip-trunk-password-file or "
                           "FR_SIP_TRUNK_PASSWORD) but no --sip-trunk-username"
                         : "--sip-trunk-username needs a password: --sip-trunk-password-file or "
                           "FR_SIP_TRUNK_PASSWORD");
  }
  if (!options.sip_trunk_realm.empty() && username.empty()) {
    return Error::InvalidArgument("--sip-trunk-realm needs --sip-trunk-username");
  }
  if (HasControlCharacter(username) || HasControlCharacter(options.sip_trunk_realm)) {
    return Error::InvalidArgument(
        "--sip-trunk-username and --sip-trunk-realm must not contain control characters");
  }
  if (!username.empty()) {
    trunk.credentials = sip::TrunkCredentials{username, std::move(password),
                                              options.sip_trunk_realm};
  }
  if (options.sip_trunk_register) {
    if (username.empty()) {
      return Error::InvalidArgument(
          "--sip-trunk-register needs the account: --sip-trunk-username and a password");
    }
    // The account becomes the user part of our registered Contact.
    if (!sip::IsValidSipUser(username)) {
      return Error::InvalidArgument(
          "--sip-trunk-register needs a --sip-trunk-username that fits a SIP URI: letters, "
          "digits and +-._!~*'()&=$,");
    }
    trunk.register_account = true;
  }
  return trunk;
}

}  // namespace fr
