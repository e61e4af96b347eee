#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "adapters/telephony/engine/telephony_engine.hpp"
#include "common/result.hpp"

namespace fr {

// The phone line's `serve` options, as given.
struct TelephonyOptions {
  std::string sip_listen = "127.0.0.1:5060";
  std::string sip_trunk;
  std::vector<std::string> sip_trunk_allow;
  std::string ring_timeout = "30s";
  std::string confirm_timeout = "10s";
  std::string media_timeout = "30s";
  std::string max_call_duration = "4h";
  std::string voicemail_silence = "5s";
  std::string rtp_ports = "20000-29999";
  std::string tts_voice = "en";
  // The trunk as a carrier needs it (README "Connecting a carrier").
  std::string sip_trunk_transport = "udp";
  std::string sip_trunk_username;
  std::string sip_trunk_password_file;  // the password itself only from a file or the environment
  std::string sip_trunk_realm;
  std::string sip_trunk_from_user;
  bool sip_trunk_register = false;
  std::string sip_inbound_number_from = "ruri";
  std::string sip_tls_cert;
  std::string sip_tls_key;
  // The SIP port's flood and scanner limits (README "Exposed to the internet").
  int sip_source_rate = 20;
  std::string sip_block_time = "5m";
  std::vector<std::string> sip_scanner_user_agents = sip::DefaultScannerUserAgents();
  std::string sip_max_dialogs = "auto";  // auto: half the RTP port pairs (decision 0030)

  bool enabled() const { return sip_listen != "off"; }
};

void AddTelephonyOptions(CLI::App& command, TelephonyOptions& options);

// The language of hotlines that name none: --tts-voice without an espeak-ng variant ("en+f3"
// → "en"), as a canonical BCP 47 tag; "en" when the voice names no language (mbrola voices).
std::string DefaultLanguageOf(const std::string& voice);

// The engine's configuration; the trunk's password comes from --sip-trunk-password-file or else
// the environment variable FR_SIP_TRUNK_PASSWORD. Errors: kInvalidArgument naming the option.
Result<telephony::EngineConfig> EngineConfigOf(const TelephonyOptions& options);

// The trunk options alone (trunk_options.cpp); `password_from_environment` is the value of
// FR_SIP_TRUNK_PASSWORD or null. Errors: kInvalidArgument naming the option; never the password.
Result<sip::TrunkOptions> TrunkOptionsOf(const TelephonyOptions& options,
                                         const char* password_from_environment);

// "HOST:PORT" or "[IPV6]:PORT" → host and port. Errors: kInvalidArgument.
Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen);

// The default of --sip-max-dialogs for the RTP ports low..high: half the even/odd port pairs
// in the range, as each dialog holds one pair and a useful call two (decision 0030).
std::size_t DefaultMaxDialogs(int low, int high);

// "30s", "1500ms", "2m", "4h" or plain seconds. Errors: kInvalidArgument naming `flag`.
Result<std::chrono::milliseconds> ParseDuration(const std::string& flag, const std::string& text);

}  // namespace fr
