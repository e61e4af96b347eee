#include "main/telephony_options.hpp"

#include <algorithm>
#include <cstdlib>

#include "adapters/telephony/engine/address_allow_list.hpp"
#include "common/text.hpp"
#include "domain/hotline/language.hpp"

namespace fr {
namespace {

void AddTrunkOptions(CLI::App& command, TelephonyOptions& options) {
  command.add_option("--sip-trunk-transport", options.sip_trunk_transport,
                     "How calls to agents reach the trunk: udp, tcp or tls")
      ->envname("FR_SIP_TRUNK_TRANSPORT")
      ->capture_default_str();
  command.add_option("--sip-trunk-username", options.sip_trunk_username,
                     "Our account at the trunk, for its digest challenges")
      ->envname("FR_SIP_TRUNK_USERNAME");
  command.add_option("--sip-trunk-password-file", options.sip_trunk_password_file,
                     "File holding the trunk account's password (or set FR_SIP_TRUNK_PASSWORD)")
      ->envname("FR_SIP_TRUNK_PASSWORD_FILE");
  command.add_option("--sip-trunk-realm", options.sip_trunk_realm,
                     "Answer only challenges of this realm (default: the trunk's)")
      ->envname("FR_SIP_TRUNK_REALM");
  command.add_option("--sip-trunk-from-user", options.sip_trunk_from_user,
                     "From user of calls to agents (the hotline number then goes in "
                     "P-Asserted-Identity)")
      ->envname("FR_SIP_TRUNK_FROM_USER");
  command.add_flag("--sip-trunk-register", options.sip_trunk_register,
                   "Register the account (--sip-trunk-username) at the trunk and keep it "
                   "registered")
      ->envname("FR_SIP_TRUNK_REGISTER");
  command.add_option("--sip-inbound-number-from", options.sip_inbound_number_from,
                     "Where an inbound call's hotline number is read: ruri, to or "
                     "p-called-party-id")
      ->envname("FR_SIP_INBOUND_NUMBER_FROM")
      ->capture_default_str();
  command.add_option("--sip-tls-cert", options.sip_tls_cert,
                     "PEM certificate for SIP over TLS (with --sip-trunk-transport tls)")
      ->envname("FR_SIP_TLS_CERT");
  command.add_option("--sip-tls-key", options.sip_tls_key,
                     "PEM private key of --sip-tls-cert")
      ->envname("FR_SIP_TLS_KEY");
}

void AddShieldOptions(CLI::App& command, TelephonyOptions& options) {
  command.add_option("--sip-source-rate", options.sip_source_rate,
                     "SIP requests one address may send per second before it is blocked "
                     "(the trunk is exempt); 0: no limit")
      ->envname("FR_SIP_SOURCE_RATE")
      ->capture_default_str();
  command.add_option("--sip-block-time", options.sip_block_time,
                     "How long an address over --sip-source-rate gets no answer at all")
      ->envname("FR_SIP_BLOCK_TIME")
      ->capture_default_str();
  command.add_option("--sip-scanner-user-agents", options.sip_scanner_user_agents,
                     "User-Agent fragments whose requests are dropped unanswered; none: no "
                     "such list")
      ->envname("FR_SIP_SCANNER_USER_AGENTS")
      ->delimiter(',')
      ->capture_default_str();
  command.add_option("--sip-max-dialogs", options.sip_max_dialogs,
                     "Dialogs (call legs) in progress above which a new INVITE gets 503; auto: "
                     "half the RTP port pairs; 0: no cap")
      ->envname("FR_SIP_MAX_DIALOGS")
      ->capture_default_str();
}

// The shield of EngineConfigOf, once the RTP ports are known.
Result<sip::ShieldOptions> ShieldOptionsOf(const TelephonyOptions& options, int rtp_low,
                                           int rtp_high) {
  sip::ShieldOptions shield;
  if (options.sip_source_rate < 0) {
    return Error::InvalidArgument("--sip-source-rate must be 0 (no limit) or more");
  }
  shield.source_rate = options.sip_source_rate;
  FR_ASSIGN_OR_RETURN(shield.block_time, ParseDuration("--sip-block-time", options.sip_block_time));
  if (shield.block_time.count() <= 0) {
    return Error::InvalidArgument("--sip-block-time must be positive");
  }
  shield.scanner_user_agents.clear();
  for (const std::string& entry : options.sip_scanner_user_agents) {
    const std::string_view fragment = TrimAsciiWhitespace(entry);
    if (!fragment.empty() && !EqualsIgnoringAsciiCase(fragment, "none")) {
      shield.scanner_user_agents.emplace_back(fragment);
    }
  }
  if (options.sip_max_dialogs == "auto") {
    shield.max_dialogs = DefaultMaxDialogs(rtp_low, rtp_high);
  } else {
    const auto cap = ParseNonNegativeInt(options.sip_max_dialogs);
    if (!cap || *cap > 1'000'000) {
      return Error::InvalidArgument("--sip-max-dialogs must be auto, 0 (no cap) or a count");
    }
    shield.max_dialogs = static_cast<std::size_t>(*cap);
  }
  return shield;
}

Result<sip::InboundNumberSource> InboundNumberSourceOf(const std::string& name) {
  if (name == "ruri") return sip::InboundNumberSource::kRequestUri;
  if (name == "to") return sip::InboundNumberSource::kTo;
  if (name == "p-called-party-id") return sip::InboundNumberSource::kPCalledPartyId;
  return Error::InvalidArgument("--sip-inbound-number-from must be ruri, to or p-called-party-id");
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const Error invalid = Error::InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  if (colon == std::string::npos || colon == 0) return invalid;
  std::string host = listen.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid;
  }
  const int port = std::stoi(port_text);
  if (port > 65535 || host.empty()) return invalid;
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

std::size_t DefaultMaxDialogs(int low, int high) {
  const int first_even = low + (low % 2);
  const int pairs = first_even + 1 <= high ? (high - 1 - first_even) / 2 + 1 : 0;
  return static_cast<std::size_t>(std::max(1, pairs / 2));
}

Result<std::chrono::milliseconds> ParseDuration(const std::string& flag, const std::string& text) {
  const Error invalid = Error::InvalidArgument(flag + " must be a duration such as 30s, 1500ms or 2m");
  const auto digits_end = text.find_first_not_of("0123456789");
  const std::size_t digits = digits_end == std::string::npos ? text.size() : digits_end;
  if (digits == 0 || digits > 9) return invalid;
  const long long value = std::stoll(text.substr(0, digits_end));
  const std::string unit = digits_end == std::string::npos ? "s" : text.substr(digits_end);
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "s") return std::chrono::milliseconds(value * 1000);
  if (unit == "m") return std::chrono::milliseconds(value * 60'000);
  if (unit == "h") return std::chrono::milliseconds(value * 3'600'000);
  return invalid;
}

Result<telephony::EngineConfig> EngineConfigOf(const TelephonyOptions& options) {
  telephony::EngineConfig config;
  FR_ASSIGN_OR_RETURN(const auto sip, ParseListen(options.sip_listen));
  // The host goes into SDP as the address callers send audio to: it must be one reachable IP.
  if (!telephony::IsSpecificIpAddress(sip.first)) {
    return Error::InvalidArgument(
        "--sip-listen needs the IP address callers and the trunk reach this host at (it is the "
        "RTP address in SDP), not a name or 0.0.0.0");
  }
  config.sip_listen_host = sip.first;
  config.sip_listen_port = sip.second;
  if (!options.sip_trunk.empty()) {
    const auto trunk = ParseListen(options.sip_trunk);
    if (!trunk.ok()) return Error::InvalidArgument("--sip-trunk must be HOST:PORT");
    config.trunk_host = trunk->first;
    config.trunk_port = trunk->second;
  }
  FR_ASSIGN_OR_RETURN(config.trunk_options,
                      TrunkOptionsOf(options, std::getenv("FR_SIP_TRUNK_PASSWORD")));
  if (config.trunk_options.credentials && config.trunk_host.empty()) {
    return Error::InvalidArgument("--sip-trunk-username needs --sip-trunk: whose account is it?");
  }
  if (config.trunk_options.register_account && config.trunk_host.empty()) {
    return Error::InvalidArgument("--sip-trunk-register needs --sip-trunk: where to register?");
  }
  FR_ASSIGN_OR_RETURN(config.inbound_number_from,
                      InboundNumberSourceOf(options.sip_inbound_number_from));
  config.trunk_allow = options.sip_trunk_allow;
  if (const auto allow = telephony::AddressAllowList::Parse(config.trunk_allow); !allow.ok()) {
    return Error::InvalidArgument("--sip-trunk-allow: " + allow.error().detail);
  }
  FR_ASSIGN_OR_RETURN(config.ring_timeout, ParseDuration("--ring-timeout", options.ring_timeout));
  FR_ASSIGN_OR_RETURN(config.confirm_timeout,
                      ParseDuration("--confirm-timeout", options.confirm_timeout));
  FR_ASSIGN_OR_RETURN(config.media.inactivity_timeout,
                      ParseDuration("--media-timeout", options.media_timeout));
  FR_ASSIGN_OR_RETURN(config.max_call_duration,
                      ParseDuration("--max-call-duration", options.max_call_duration));
  FR_ASSIGN_OR_RETURN(config.voicemail_silence,
                      ParseDuration("--voicemail-silence", options.voicemail_silence));
  if (config.voicemail_silence < std::chrono::seconds(1) ||
      config.voicemail_silence > std::chrono::minutes(1)) {
    return Error::InvalidArgument("--voicemail-silence must be between 1s and 60s");
  }
  if (config.ring_timeout.count() <= 0 || config.media.inactivity_timeout.count() <= 0 ||
      config.max_call_duration.count() <= 0 || config.confirm_timeout.count() <= 0) {
    return Error::InvalidArgument(
        "--ring-timeout, --confirm-timeout, --media-timeout and --max-call-duration must be "
        "positive");
  }
  const auto dash = options.rtp_ports.find('-');
  const auto low = ParseNonNegativeInt(options.rtp_ports.substr(0, dash));
  const auto high = dash == std::string::npos ? std::nullopt
                                              : ParseNonNegativeInt(options.rtp_ports.substr(dash + 1));
  if (!low || !high || *low < 1024 || *high > 65535 || *low >= *high) {
    return Error::InvalidArgument("--rtp-ports must be MIN-MAX within 1024-65535, e.g. 20000-29999");
  }
  config.media.bind_address = config.sip_listen_host;
  config.media.port_min = static_cast<std::uint16_t>(*low);
  config.media.port_max = static_cast<std::uint16_t>(*high);
  config.tts_voice = options.tts_voice;
  config.default_language = DefaultLanguageOf(options.tts_voice);
  FR_ASSIGN_OR_RETURN(config.shield, ShieldOptionsOf(options, static_cast<int>(*low),
                                                     static_cast<int>(*high)));
  return config;
}

std::string DefaultLanguageOf(const std::string& voice) {
  return CanonicalLanguageTag(voice.substr(0, voice.find('+'))).value_or("en");
}

void AddTelephonyOptions(CLI::App& command, TelephonyOptions& options) {
  command.add_option("--sip-listen", options.sip_listen,
                     "HOST:PORT for SIP (UDP and TCP) and the RTP address; off: no phone line")
      ->envname("FR_SIP_LISTEN")
      ->capture_default_str();
  command.add_option("--sip-trunk", options.sip_trunk, "HOST:PORT where calls to agents go")
      ->envname("FR_SIP_TRUNK");
  command.add_option("--sip-trunk-allow", options.sip_trunk_allow,
                     "CIDR blocks allowed to send calls in (default: the trunk and loopback)")
      ->envname("FR_SIP_TRUNK_ALLOW")
      ->delimiter(',');
  AddTrunkOptions(command, options);
  AddShieldOptions(command, options);
  command.add_option("--ring-timeout", options.ring_timeout,
                     "How long agents' phones ring before the caller is told nobody answered")
      ->envname("FR_RING_TIMEOUT")
      ->capture_default_str();
  command.add_option("--confirm-timeout", options.confirm_timeout,
                     "How long an agent has to press 1 after the prompt (confirmAnswer)")
      ->envname("FR_CONFIRM_TIMEOUT")
      ->capture_default_str();
  command.add_option("--media-timeout", options.media_timeout,
                     "A call without audio for this long is hung up")
      ->envname("FR_MEDIA_TIMEOUT")
      ->capture_default_str();
  command.add_option("--max-call-duration", options.max_call_duration,
                     "A call still up after this long is hung up")
      ->envname("FR_MAX_CALL_DURATION")
      ->capture_default_str();
  command.add_option("--voicemail-silence", options.voicemail_silence,
                     "A voicemail recording ends after this long without speech (1s..60s)")
      ->envname("FR_VOICEMAIL_SILENCE")
      ->capture_default_str();
  command.add_option("--rtp-ports", options.rtp_ports, "UDP port range for RTP and RTCP, MIN-MAX")
      ->envname("FR_RTP_PORTS")
      ->capture_default_str();
  command.add_option("--tts-voice", options.tts_voice, "espeak-ng voice for prompts")
      ->envname("FR_TTS_VOICE")
      ->capture_default_str();
}

}  // namespace fr
