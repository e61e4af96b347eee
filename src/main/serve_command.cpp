#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "adapters/http/pipeline.hpp"
#include "adapters/http/server.hpp"
#include "adapters/telephony/engine/address_allow_list.hpp"
#include "adapters/telephony/engine/telephony_engine.hpp"
#include "adapters/tts/espeak_synthesizer.hpp"
#include "app/group_commit_call_event_sink.hpp"
#include "main/api_routes.hpp"
#include "main/background_loop.hpp"
#include "main/commands.hpp"
#include "main/demo_data.hpp"
#include "main/logging.hpp"
#include "main/runtime_metrics.hpp"
#include "common/text.hpp"
#include "main/services.hpp"

namespace fr {
namespace {

struct ServeOptions {
  DatabaseOption database;
  std::string listen = "127.0.0.1:8080";
  std::size_t workers = 4;
  std::string log_format = "text";
  std::string log_level = "info";
  bool demo = false;
  HotlinePolicy hotlines;
  CallRetentionPolicy retention;
  int provisioning_delay_seconds = 0;
  std::string sip_listen = "127.0.0.1:5060";
  std::string sip_trunk;
  std::vector<std::string> sip_trunk_allow;
  std::string ring_timeout = "30s";
  std::string media_timeout = "30s";
  std::string max_call_duration = "4h";
  std::string rtp_ports = "20000-29999";
  std::string tts_voice = "en";
};

constexpr auto kProvisioningPeriod = std::chrono::milliseconds(200);
constexpr auto kRetentionPeriod = std::chrono::hours(1);
// How long a stopping service keeps retrying to store call events while the database fails.
constexpr auto kCallEventDrainTimeout = std::chrono::seconds(10);

// "HOST:PORT" or "[IPV6]:PORT" → host and port. Errors: kInvalidArgument.
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

// "30s", "1500ms", "2m", "4h" or plain seconds → milliseconds. Errors: kInvalidArgument.
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

// The engine's configuration from the flags. Errors: kInvalidArgument naming the flag.
Result<telephony::EngineConfig> EngineConfigOf(const ServeOptions& options) {
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
  config.trunk_allow = options.sip_trunk_allow;
  if (const auto allow = telephony::AddressAllowList::Parse(config.trunk_allow); !allow.ok()) {
    return Error::InvalidArgument("--sip-trunk-allow: " + allow.error().detail);
  }
  FR_ASSIGN_OR_RETURN(config.ring_timeout, ParseDuration("--ring-timeout", options.ring_timeout));
  FR_ASSIGN_OR_RETURN(config.media.inactivity_timeout,
                      ParseDuration("--media-timeout", options.media_timeout));
  FR_ASSIGN_OR_RETURN(config.max_call_duration,
                      ParseDuration("--max-call-duration", options.max_call_duration));
  if (config.ring_timeout.count() <= 0 || config.media.inactivity_timeout.count() <= 0 ||
      config.max_call_duration.count() <= 0) {
    return Error::InvalidArgument(
        "--ring-timeout, --media-timeout and --max-call-duration must be positive");
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
  return config;
}

int ServeWith(const ServeOptions& options, const std::pair<std::string, std::uint16_t>& listen);

int Serve(const ServeOptions& options) {
  if (const Status logging = SetUpLogging(options.log_format, options.log_level); !logging.ok()) {
    std::fprintf(stderr, "error: %s\n", logging.error().detail.c_str());
    return 2;
  }
  const auto listen = ParseListen(options.listen);
  if (!listen.ok() || options.workers < 1 || options.workers > 256) {
    std::fprintf(stderr, "error: %s\n",
                 listen.ok() ? "--workers must be between 1 and 256"
                             : listen.error().detail.c_str());
    return 2;
  }
  if (options.sip_listen != "off") {
    if (const auto engine = EngineConfigOf(options); !engine.ok()) {
      std::fprintf(stderr, "error: %s\n", engine.error().detail.c_str());
      return 2;
    }
  }
  const int code = ServeWith(options, *listen);
  // Everything, the database included, is closed by now.
  spdlog::info("stopped; bye");
  return code;
}

int ServeWith(const ServeOptions& options, const std::pair<std::string, std::uint16_t>& listen) {
  // One session per HTTP worker, plus readiness, the call-event writer, the telephony engine
  // and the background loops, so that none of them waits for a lease behind the others.
  auto services = Services::Open(options.database.url, options.workers + 4, options.hotlines,
                                 options.retention);
  if (!services.ok()) {
    spdlog::critical("cannot open the database: {}", services.error().detail);
    return 1;
  }
  Services& wired = **services;
  // Before any call is taken: a call a previous process could not finish is closed now.
  const auto interrupted = wired.call_records.CloseInterruptedCalls();
  if (!interrupted.ok()) {
    spdlog::critical("cannot close calls left open: {}", interrupted.error().detail);
    return 1;
  }
  if (*interrupted > 0) {
    spdlog::warn("closed {} call(s) left open by a previous run (outcome failed)", *interrupted);
  }
  GroupCommitCallEventSink call_events(
      wired.call_logs, GroupCommitOptions{}, [](const Error& error, std::size_t count) {
        spdlog::error("call log: {} event(s) could not be stored: {}", count, error.detail);
      });

  // The phone line, before HTTP: a SIP address that cannot be bound ends the start here.
  std::unique_ptr<tts::EspeakSynthesizer> speech;
  std::unique_ptr<telephony::TelephonyEngine> engine;
  if (options.sip_listen != "off") {
    const telephony::EngineConfig engine_config = EngineConfigOf(options).value();
    auto synthesizer = tts::EspeakSynthesizer::Create({.default_voice = options.tts_voice});
    if (!synthesizer.ok()) {
      spdlog::critical("text-to-speech: {}", synthesizer.error().detail);
      return 1;
    }
    speech = std::move(synthesizer).value();
    engine = std::make_unique<telephony::TelephonyEngine>(engine_config, wired.call_routing,
                                                          call_events, *speech, wired.clock);
    const auto sip_port = engine->Start();
    if (!sip_port.ok()) {
      spdlog::critical("telephony: {} (--sip-listen off disables the phone line)",
                       sip_port.error().detail);
      return 1;
    }
    spdlog::info("telephony: SIP on {}:{}, trunk {}", engine_config.sip_listen_host, *sip_port,
                 engine_config.trunk_host.empty()
                     ? std::string("none (agents cannot be called)")
                     : engine_config.trunk_host + ":" + std::to_string(engine_config.trunk_port));
  }
  http::HttpMetrics metrics;
  metrics.AddSource([&call_events] { return RenderCallEventMetrics(call_events.stats()); });
  if (engine) metrics.AddSource([&engine] { return RenderTelephonyMetrics(engine->Stats()); });
  http::Router router;
  RegisterApiRoutes(router, wired, metrics);
  http::ServerConfig config;
  config.host = listen.first;
  config.port = listen.second;
  config.workers = options.workers;
  const http::Pipeline pipeline(router, wired.authentication, config.max_body_bytes);
  http::HttpServer server(config, pipeline, metrics, wired.random);
  const auto port = server.Start();
  if (!port.ok()) {
    spdlog::critical("{}", port.error().detail);
    return 1;
  }
  if (options.demo) {
    const std::string url = "http://" + config.host + ":" + std::to_string(*port);
    const std::string db_path = options.database.url.substr(options.database.url.find(':') + 1);
    const auto credentials =
        (std::filesystem::path(db_path).parent_path() / "demo-credentials.txt").string();
    if (const Status seeded = SeedDemoDataIfEmpty(wired, url, credentials); !seeded.ok()) {
      spdlog::error("demo: seeding failed: {}", seeded.error().detail);
    }
  }
  HotlineProvisioner provisioner(wired.hotlines, wired.routing_table, wired.clock,
                                 std::chrono::seconds(options.provisioning_delay_seconds));
  const BackgroundLoop provisioning(kProvisioningPeriod, [&provisioner] {
    if (const auto round = provisioner.ProvisionPending(); !round.ok()) {
      spdlog::warn("provisioning: {}; retrying", round.error().detail);
    }
  });
  const BackgroundLoop retention(kRetentionPeriod, [&wired] {
    const auto purged = wired.call_records.PurgeExpired();
    if (!purged.ok()) {
      spdlog::warn("retention: {}; retrying in an hour", purged.error().detail);
    } else if (*purged > 0) {
      spdlog::info("retention: deleted {} call log(s) older than the retention period", *purged);
    }
  });
  // Logged last: tests and scripts take this line to mean "ready, demo data printed".
  spdlog::info("listening on http://{}:{}", config.host, *port);
  server.RunUntilStopped();
  metrics.ClearSources();
  if (engine) engine->Stop();
  if (const auto lost = call_events.Stop(kCallEventDrainTimeout); lost > 0) {
    spdlog::error("call log: {} event(s) were lost", lost);
  }
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Run the HTTP service");
  AddDatabaseOption(*serve, options->database);
  serve->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0: any)")
      ->envname("FR_LISTEN")
      ->capture_default_str();
  serve->add_option("--workers", options->workers, "Worker threads for requests (1..256)")
      ->envname("FR_WORKERS")
      ->capture_default_str();
  serve->add_option("--log-format", options->log_format, "text or json")
      ->envname("FR_LOG_FORMAT")
      ->capture_default_str();
  serve->add_option("--log-level", options->log_level, "trace, debug, info, warn, error, off")
      ->envname("FR_LOG_LEVEL")
      ->capture_default_str();
  serve->add_flag("--demo", options->demo,
                  "On an empty database, create demo data and print tokens and curl examples")
      ->envname("FR_DEMO");
  serve->add_option("--max-hotlines", options->hotlines.max_per_organization,
                    "Hotlines one organisation may have")
      ->envname("FR_MAX_HOTLINES")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve->add_option("--number-quarantine-days", options->hotlines.quarantine_days,
                    "Days a released number waits before it is given out again")
      ->envname("FR_NUMBER_QUARANTINE_DAYS")
      ->check(CLI::Range(0, 3650))
      ->capture_default_str();
  serve->add_option("--provisioning-delay", options->provisioning_delay_seconds,
                    "Seconds a hotline stays in provisioning at least (a carrier's delay)")
      ->envname("FR_PROVISIONING_DELAY")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  serve->add_option("--call-retention-days", options->retention.days,
                    "Days call logs and telephone records are kept (0: forever)")
      ->envname("FR_CALL_RETENTION_DAYS")
      ->check(CLI::Range(0, 36500))
      ->capture_default_str();
  serve->add_option("--sip-listen", options->sip_listen,
                    "HOST:PORT for SIP (UDP and TCP) and the RTP address; off: no phone line")
      ->envname("FR_SIP_LISTEN")
      ->capture_default_str();
  serve->add_option("--sip-trunk", options->sip_trunk, "HOST:PORT where calls to agents go")
      ->envname("FR_SIP_TRUNK");
  serve->add_option("--sip-trunk-allow", options->sip_trunk_allow,
                    "CIDR blocks allowed to send calls in (default: the trunk and loopback)")
      ->envname("FR_SIP_TRUNK_ALLOW")
      ->delimiter(',');
  serve->add_option("--ring-timeout", options->ring_timeout,
                    "How long agents' phones ring before the caller is told nobody answered")
      ->envname("FR_RING_TIMEOUT")
      ->capture_default_str();
  serve->add_option("--media-timeout", options->media_timeout,
                    "A call without audio for this long is hung up")
      ->envname("FR_MEDIA_TIMEOUT")
      ->capture_default_str();
  serve->add_option("--max-call-duration", options->max_call_duration,
                    "A call still up after this long is hung up")
      ->envname("FR_MAX_CALL_DURATION")
      ->capture_default_str();
  serve->add_option("--rtp-ports", options->rtp_ports, "UDP port range for RTP, MIN-MAX")
      ->envname("FR_RTP_PORTS")
      ->capture_default_str();
  serve->add_option("--tts-voice", options->tts_voice, "espeak-ng voice for prompts")
      ->envname("FR_TTS_VOICE")
      ->capture_default_str();
  serve->callback([options, &exit_code] { exit_code = Serve(*options); });
}

void AddDatabaseOption(CLI::App& command, DatabaseOption& option) {
  command.add_option("--database", option.url, "Database URL: sqlite:PATH")
      ->envname("FR_DATABASE")
      ->capture_default_str();
}

}  // namespace fr
