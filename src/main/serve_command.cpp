#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "adapters/http/pipeline.hpp"
#include "adapters/http/server.hpp"
#include "adapters/storage/database_url.hpp"
#include "adapters/storage/soci_calls_in_progress.hpp"
#include "adapters/telephony/engine/telephony_engine.hpp"
#include "adapters/tts/espeak_synthesizer.hpp"
#include "adapters/webhook/curl_webhook_sender.hpp"
#include "adapters/webhook/webhook_payload.hpp"
#include "app/group_commit_call_event_sink.hpp"
#include "app/webhook_dispatcher.hpp"
#include "app/in_process_calls_in_progress.hpp"
#include "app/node_supervisor.hpp"
#include "main/api_routes.hpp"
#include "main/background_loop.hpp"
#include "main/commands.hpp"
#include "main/demo_data.hpp"
#include "main/logging.hpp"
#include "main/node_options.hpp"
#include "main/runtime_metrics.hpp"
#include "main/services.hpp"
#include "main/stop_signals.hpp"
#include "domain/hotline/language.hpp"
#include "main/telephony_options.hpp"
#include "main/webhook_options.hpp"

namespace fr {
namespace {

struct ServeOptions {
  DatabaseOption database;
  std::string listen = "127.0.0.1:8080";
  std::size_t workers = http::kDefaultWorkers;
  std::size_t io_threads = http::DefaultIoThreads();
  std::string log_format = "text";
  std::string log_level = "info";
  bool demo = false;
  HotlinePolicy hotlines;
  CallRetentionPolicy retention;
  AuditRetentionPolicy audit_retention;
  int provisioning_delay_seconds = 0;
  std::string listen_file;  // empty: none
  TelephonyOptions telephony;
  NodeOptions node;
  http::RateLimits rate_limits;
  // How long calls in progress may go on after SIGTERM (decision 0033).
  std::string drain_timeout = "2m";
  // Sign-in (decisions 0051-0053).
  std::string public_url;  // empty: http://<the listen address>
  std::string session_idle_timeout = "12h";
  std::string session_lifetime = "168h";
  LoginThrottlePolicy login_throttle;
  std::string voicemail_dir;  // empty: DefaultVoicemailDir
  WebhookOptions webhooks;
  // The per-caller flood guard (decision 0044): calls per hour from one number to one hotline.
  int caller_calls_per_hour = 20;
  // Reverse proxies whose X-Forwarded-For names the client (CIDR blocks); none: ignored.
  std::vector<std::string> trusted_proxies;
  // "on": only verified agent phones ring (decision 0069); "off": every active one, as before.
  std::string require_verified_phones = "on";
};

// The sign-in settings from the options. Errors: kInvalidArgument naming the option.
Result<SignInPolicy> SignInPolicyOf(const ServeOptions& options) {
  if (!options.public_url.empty() && !options.public_url.starts_with("http://") &&
      !options.public_url.starts_with("https://")) {
    return Error::InvalidArgument("--public-url must start with http:// or https://");
  }
  if (options.public_url.find_first_of(" #?\t\r\n") != std::string::npos) {
    return Error::InvalidArgument("--public-url must be a plain URL without query or fragment");
  }
  FR_ASSIGN_OR_RETURN(const auto idle,
                      ParseDuration("--session-idle-timeout", options.session_idle_timeout));
  FR_ASSIGN_OR_RETURN(const auto lifetime,
                      ParseDuration("--session-lifetime", options.session_lifetime));
  if (idle.count() <= 0 || lifetime.count() <= 0) {
    return Error::InvalidArgument("--session-idle-timeout and --session-lifetime must be > 0");
  }
  if (idle > lifetime) {
    return Error::InvalidArgument("--session-idle-timeout must not exceed --session-lifetime");
  }
  return SignInPolicy{{idle, lifetime}, options.login_throttle};
}

constexpr auto kProvisioningPeriod = std::chrono::milliseconds(200);
constexpr auto kRetentionPeriod = std::chrono::hours(1);
// How often the webhook worker looks for deliveries that are due.
constexpr auto kWebhookPeriod = std::chrono::milliseconds(100);
// The files of deleted voicemails (by any path: API, retention, erasure, hotline deletion) go
// within this long.
constexpr auto kVoicemailSweepPeriod = std::chrono::seconds(1);
// Delivered and failed webhook events are kept this long for the deliveries list.
constexpr auto kWebhookEventRetention = std::chrono::days(30);
// How long a stopping service keeps retrying to store call events while the database fails.
constexpr auto kCallEventDrainTimeout = std::chrono::seconds(10);
// The same for the tokens' last uses.
constexpr auto kTokenUseDrainTimeout = std::chrono::seconds(5);

int ServeWith(const ServeOptions& options, const std::pair<std::string, std::uint16_t>& listen,
              std::chrono::milliseconds drain_timeout, const NodeConfig& node,
              const WebhookSettings& webhooks, const DeliveryPolicy& delivery,
              const http::TrustedProxies& trusted_proxies);

// The drain of a graceful stop (decision 0033): new calls are refused while those in progress
// go on, until the last one ends, `timeout` passes or another signal comes. What is left is for
// the engine's Stop to end.
void DrainCalls(StopSignals& signals, telephony::TelephonyEngine& engine,
                std::chrono::milliseconds timeout) {
  spdlog::info("stopping: new calls get 503; {} call(s) in progress may go on for up to {} s "
               "(SIGTERM again ends them now)",
               engine.Stats().active_calls,
               std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
  engine.Drain([&signals] { signals.Done(); });
  switch (signals.WaitForDrain(timeout)) {
    case StopSignals::DrainEnd::kDone:
      spdlog::info("stopping: no call is in progress any more");
      return;
    case StopSignals::DrainEnd::kTimedOut:
      spdlog::warn("stopping: --drain-timeout passed; ending {} call(s)",
                   engine.Stats().active_calls);
      return;
    case StopSignals::DrainEnd::kSignalled:
      spdlog::warn("stopping: signalled again; ending {} call(s) now",
                   engine.Stats().active_calls);
      return;
  }
}

// "HOST:PORT" with an IPv6 host in brackets, as URLs and SIP URIs write it.
std::string HostPort(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// Writes where the service listens, for scripts and tests that start it on port 0 and cannot
// rely on the log (its level may hide the line). Written whole, then renamed into place, so a
// reader never sees half a file.
Status WriteListenFile(const std::string& path, const std::string& http_url,
                       const std::optional<std::string>& sip) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << nlohmann::json{{"http", http_url}, {"sip", sip ? nlohmann::json(*sip) : nullptr}}.dump()
        << "\n";
    if (!out.flush()) return Error::Unavailable("cannot write the listen file " + path);
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) return Error::Unavailable("cannot write the listen file " + path + ": " + error.message());
  return Ok();
}

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
  if (options.io_threads < 1 || options.io_threads > 64) {
    std::fprintf(stderr, "error: --io-threads must be between 1 and 64\n");
    return 2;
  }
  if (options.telephony.enabled()) {
    if (const auto engine = EngineConfigOf(options.telephony); !engine.ok()) {
      std::fprintf(stderr, "error: %s\n", engine.error().detail.c_str());
      return 2;
    }
  }
  const auto drain_timeout = ParseDuration("--drain-timeout", options.drain_timeout);
  if (!drain_timeout.ok()) {
    std::fprintf(stderr, "error: %s\n", drain_timeout.error().detail.c_str());
    return 2;
  }
  const auto node = NodeConfigOf(options.node, options.telephony.sip_listen, options.listen);
  if (!node.ok()) {
    std::fprintf(stderr, "error: %s\n", node.error().detail.c_str());
    return 2;
  }
  // The audit log answers "who looked at this call's data": it must not forget before the data
  // does (decision 0058).
  if (options.audit_retention.days > 0 && options.retention.days > 0 &&
      options.audit_retention.days < options.retention.days) {
    std::fprintf(stderr,
                 "error: --audit-retention-days (%d) must be 0 (forever) or at least "
                 "--call-retention-days (%d)\n",
                 options.audit_retention.days, options.retention.days);
    return 2;
  }
  const auto delivery = DeliveryPolicyOf(options.webhooks);
  if (!delivery.ok()) {
    std::fprintf(stderr, "error: %s\n", delivery.error().detail.c_str());
    return 2;
  }
  // The recordings' folder before the database: a folder that cannot be used is a bad option.
  const std::filesystem::path voicemail_dir = options.voicemail_dir.empty()
                                                  ? DefaultVoicemailDir(options.database.url)
                                                  : std::filesystem::path(options.voicemail_dir);
  if (const auto folder = VoicemailFolder::Open(voicemail_dir); !folder.ok()) {
    std::fprintf(stderr, "error: %s\n", folder.error().detail.c_str());
    return 2;
  }
  const auto webhooks = WebhookSettingsOf(options.webhooks, options.database.url);
  if (!webhooks.ok()) {
    std::fprintf(stderr, "error: %s\n", webhooks.error().detail.c_str());
    return webhooks.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (const auto sign_in = SignInPolicyOf(options); !sign_in.ok()) {
    std::fprintf(stderr, "error: %s\n", sign_in.error().detail.c_str());
    return 2;
  }
  const auto trusted_proxies = http::TrustedProxies::Parse(options.trusted_proxies);
  if (!trusted_proxies.ok()) {
    std::fprintf(stderr, "error: %s\n", trusted_proxies.error().detail.c_str());
    return 2;
  }
  const int code = ServeWith(options, *listen, *drain_timeout, *node, *webhooks, *delivery,
                             *trusted_proxies);
  // Everything, the database included, is closed by now.
  spdlog::info("stopped; bye");
  return code;
}

int ServeWith(const ServeOptions& options, const std::pair<std::string, std::uint16_t>& listen,
              std::chrono::milliseconds drain_timeout, const NodeConfig& node,
              const WebhookSettings& webhooks, const DeliveryPolicy& delivery,
              const http::TrustedProxies& trusted_proxies) {
  // From here on SIGTERM and SIGINT stop the service gracefully, also during the start.
  StopSignals signals;
  // One session per HTTP worker and I/O thread, plus readiness, the call-event writer, the
  // telephony engine and the background loops, so that none of them waits for a lease behind
  // the others.
  HotlinePolicy hotline_policy = options.hotlines;
  hotline_policy.default_language = DefaultLanguageOf(options.telephony.tts_voice);
  hotline_policy.require_verified_phones = options.require_verified_phones == "on";
  if (!CanonicalLanguageTag(options.telephony.tts_voice.substr(0, options.telephony.tts_voice.find('+')))) {
    spdlog::warn("--tts-voice {} names no language; hotlines without a language of their own "
                 "say the built-in sentences in English",
                 options.telephony.tts_voice);
  }
  auto services = Services::Open(options.database.url, options.workers + options.io_threads + 4,
                                 hotline_policy, options.retention, options.caller_calls_per_hour,
                                 webhooks, SignInPolicyOf(options).value(), options.voicemail_dir,
                                 options.audit_retention);
  if (!services.ok()) {
    // A voicemail folder that cannot be used is a bad option like any other.
    if (services.error().code == ErrorCode::kInvalidArgument) {
      spdlog::critical("{}", services.error().detail);
      return 2;
    }
    spdlog::critical("cannot open the database: {}", services.error().detail);
    return 1;
  }
  Services& wired = **services;
  // The channels in use: shared by the nodes on PostgreSQL, in memory on SQLite, whose file
  // serves one node (decision 0039). Leases and crash recovery work the same on both.
  SociCallsInProgress shared_calls(*wired.database, node.id);
  InProcessCallsInProgress own_calls;
  CallsInProgress& calls_in_progress =
      wired.database->dialect() == Dialect::kPostgresql
          ? static_cast<CallsInProgress&>(shared_calls)
          : static_cast<CallsInProgress&>(own_calls);
  NodeSupervisor supervisor(node.id, shared_calls, wired.call_logs, wired.clock, node.lease);
  // Before any call is taken: calls this node could not finish in an earlier run, and those of
  // nodes whose lease ended, are closed now (decision 0040).
  const auto interrupted = supervisor.Recover();
  if (!interrupted.ok()) {
    spdlog::critical("cannot close calls left open: {}", interrupted.error().detail);
    return 1;
  }
  if (*interrupted > 0) {
    spdlog::warn("closed {} call(s) left open by a previous run (outcome failed)", *interrupted);
  }
  // Recordings this node was writing when it stopped: kept whole up to that moment, or removed
  // (decision 0055). Before any call, so that no recording of this run is mistaken for one.
  const auto recovered = wired.voicemail_service.RecoverAfterCrash(node.id);
  if (!recovered.ok()) {
    spdlog::critical("cannot recover voicemails: {}", recovered.error().detail);
    return 1;
  }
  if (*recovered > 0) spdlog::warn("kept {} voicemail(s) cut short by a crash", *recovered);
  spdlog::info("node: '{}', lease {} ms", node.id, node.lease.count());
  // Renewed three times a lease; each round also cleans up after nodes whose lease ended.
  auto heartbeat = std::make_unique<BackgroundLoop>(node.lease / 3, [&supervisor] {
    const auto closed = supervisor.Beat();
    if (!closed.ok()) {
      spdlog::warn("node lease: {}; retrying", closed.error().detail);
    } else if (*closed > 0) {
      spdlog::warn("closed {} call(s) of node(s) whose lease ended (outcome failed)", *closed);
    }
  });
  // The writer names this node on every call it logs; crash recovery closes by that name.
  SociCallLogRepository call_log_writer(*wired.database, node.id);
  GroupCommitCallEventSink call_events(
      call_log_writer, GroupCommitOptions{}, [](const Error& error, std::size_t count) {
        spdlog::error("call log: {} event(s) could not be stored: {}", count, error.detail);
      });

  // The phone line, before HTTP: a SIP address that cannot be bound ends the start here.
  // The synthesiser runs without the phone line too: the console's prompt previews use it
  // (decision 0072). Without the phone line, a synthesiser that cannot start only turns the
  // previews off.
  std::unique_ptr<tts::EspeakSynthesizer> speech;
  auto synthesizer = tts::EspeakSynthesizer::Create({.default_voice = options.telephony.tts_voice});
  if (synthesizer.ok()) {
    speech = std::move(synthesizer).value();
  } else if (options.telephony.enabled()) {
    spdlog::critical("text-to-speech: {}", synthesizer.error().detail);
    // An unknown --tts-voice is an invalid option like any other.
    return synthesizer.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  } else {
    spdlog::warn("text-to-speech: {}; prompt previews are off", synthesizer.error().detail);
  }
  PromptPreviewService prompt_previews(speech.get(), wired.clock);
  std::unique_ptr<telephony::TelephonyEngine> engine;
  std::optional<std::string> sip_address;
  if (options.telephony.enabled()) {
    const telephony::EngineConfig engine_config = EngineConfigOf(options.telephony).value();
    telephony::EngineConfig config = engine_config;
    config.node = node.id;
    engine = std::make_unique<telephony::TelephonyEngine>(
        config, wired.call_routing, call_events, *speech, wired.clock, calls_in_progress,
        *wired.voicemail_folder, wired.random);
    const auto sip_port = engine->Start();
    if (!sip_port.ok()) {
      spdlog::critical("telephony: {} (--sip-listen off disables the phone line)",
                       sip_port.error().detail);
      // Unusable TLS files are an invalid option like any other.
      return sip_port.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    // Before HTTP serves: verification calls of agent phones go out through this engine's
    // trunk (without one, they answer 503).
    if (!engine_config.trunk_host.empty()) wired.phone_verifications.AttachCaller(*engine);
    sip_address = HostPort(engine_config.sip_listen_host, *sip_port);
    spdlog::info("telephony: SIP on {}, trunk {}", *sip_address,
                 engine_config.trunk_host.empty()
                     ? std::string("none (agents cannot be called)")
                     : HostPort(engine_config.trunk_host, engine_config.trunk_port));
    if (!engine_config.trunk_host.empty()) {
      const sip::TrunkOptions& trunk = engine_config.trunk_options;
      spdlog::info("telephony: calls to agents over {}, {}", options.telephony.sip_trunk_transport,
                   trunk.credentials ? "answering the trunk's challenges as '" +
                                           trunk.credentials->username + "'"
                                     : std::string("without credentials"));
    }
  }
  std::atomic<bool> draining{false};
  http::HttpMetrics metrics;
  metrics.AddSource([&draining] { return RenderDrainMetrics(draining.load()); });
  metrics.AddSource([&call_events] { return RenderCallEventMetrics(call_events.stats()); });
  if (wired.database->dialect() == Dialect::kSqlite) {
    metrics.AddSource([&database = *wired.database] {
      return RenderSqliteWriteMetrics(database.write_group_counts());
    });
  }
  if (speech) metrics.AddSource([&speech] { return RenderSpeechMetrics(speech->cache_stats()); });
  if (engine) metrics.AddSource([&engine] { return RenderTelephonyMetrics(engine->Stats()); });
  if (engine) metrics.AddSource([&engine] { return RenderSipShieldMetrics(engine->SipShield()); });
  std::vector<http::ReadinessReport> readiness;
  if (engine && options.telephony.sip_trunk_register) {
    // Informative, never a 503: a carrier's outage must not take the HTTP API away (0028).
    metrics.AddSource(
        [&engine] { return RenderTrunkRegistrationMetrics(engine->TrunkRegistration()); });
    readiness.push_back(
        {"sipTrunk", [&engine] { return TrunkRegistrationReadiness(engine->TrunkRegistration()); }});
  }
  // Invite links name the listen address until the server knows its port (port 0).
  std::mutex listen_url_mu;
  std::string listen_url = "http://" + HostPort(listen.first, listen.second);  // Guarded by listen_url_mu.
  http::SessionRouteOptions session_routes;
  session_routes.always_secure = options.public_url.starts_with("https://");
  session_routes.public_url = [&options, &listen_url_mu, &listen_url] {
    if (!options.public_url.empty()) return options.public_url;
    std::lock_guard lock(listen_url_mu);
    return listen_url;
  };
  // Event streams render each event as the webhook delivery would carry it (decision 0063).
  http::EventStreamHub event_streams(wired.event_streams, &webhook::RenderWebhookBody);
  http::ExportRunner exports;
  http::Router router;
  RegisterApiRoutes(
      router, wired, metrics, event_streams, exports, prompt_previews, std::move(readiness),
      [&draining] { return draining.load(); }, std::move(session_routes));
  http::AddConsoleRoutes(router);  // not API: docs/openapi.json does not list the pages
  http::ServerConfig config;
  config.host = listen.first;
  config.port = listen.second;
  config.workers = options.workers;
  config.io_threads = options.io_threads;
  config.trusted_proxies = trusted_proxies;
  const http::Pipeline pipeline(router, wired.authentication, config.max_body_bytes,
                                options.rate_limits);
  http::HttpServer server(config, pipeline, metrics, wired.random);
  const auto port = server.Start();
  if (!port.ok()) {
    spdlog::critical("{}", port.error().detail);
    return 1;
  }
  const std::string url = "http://" + HostPort(config.host, *port);
  {
    std::lock_guard lock(listen_url_mu);
    listen_url = url;
  }
  if (options.demo) {
    // Next to a SQLite file; in the working directory for a server database.
    const auto database = ParseDatabaseUrl(options.database.url);
    const std::filesystem::path folder =
        database.ok() && database->dialect == Dialect::kSqlite
            ? std::filesystem::path(database->target).parent_path()
            : std::filesystem::path();
    const auto credentials = (folder / "demo-credentials.txt").string();
    const std::string public_url = options.public_url.empty() ? url : options.public_url;
    if (const Status seeded = SeedDemoDataIfEmpty(wired, public_url, credentials); !seeded.ok()) {
      spdlog::error("demo: seeding failed: {}", seeded.error().detail);
    }
  }
  HotlineProvisioner provisioner(wired.hotlines, wired.routing_table, wired.clock,
                                 std::chrono::seconds(options.provisioning_delay_seconds), node.id);
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
    const auto audit_purged = wired.audit_service.Purge();
    if (!audit_purged.ok()) {
      spdlog::warn("retention: audit log: {}; retrying in an hour", audit_purged.error().detail);
    } else if (*audit_purged > 0) {
      spdlog::info("retention: deleted {} audit entries older than the audit retention",
                   *audit_purged);
    }
    // Expired blocks are unlisted at once and deleted here (decision 0077).
    const auto blocks_purged = wired.blocked_caller_service.PurgeExpired();
    if (!blocks_purged.ok()) {
      spdlog::warn("retention: blocked callers: {}; retrying in an hour",
                   blocks_purged.error().detail);
    } else if (*blocks_purged > 0) {
      spdlog::info("retention: deleted {} blocked caller(s) whose block expired", *blocks_purged);
    }
  });
  const BackgroundLoop voicemail_sweep(kVoicemailSweepPeriod, [&wired] {
    if (const auto removed = wired.voicemail_service.RemoveDeletedFiles(); !removed.ok()) {
      spdlog::warn("voicemails: {}; retrying", removed.error().detail);
    }
  });
  // Webhook deliveries: the outbox is the job, so what a previous run left pending goes now.
  webhook::CurlWebhookSender webhook_sender(webhooks.network, wired.clock);
  WebhookDispatcher dispatcher(wired.webhooks, webhook_sender, wired.webhook_sealer, wired.random,
                               wired.clock, delivery);
  auto deliver_and_purge = [&dispatcher, &wired,
                            next_purge = std::chrono::steady_clock::now()]() mutable {
    if (const auto round = dispatcher.DeliverDue(); !round.ok()) {
      spdlog::warn("webhooks: {}; retrying", round.error().detail);
    }
    if (std::chrono::steady_clock::now() < next_purge) return;
    next_purge = std::chrono::steady_clock::now() + kRetentionPeriod;
    const auto purged = wired.webhooks.PurgeBefore(wired.clock.Now() - kWebhookEventRetention);
    if (!purged.ok()) spdlog::warn("webhooks: purge: {}", purged.error().detail);
  };
  const BackgroundLoop webhook_deliveries(kWebhookPeriod, std::move(deliver_and_purge));
  // Logged last: tests and scripts take this line (or the listen file) to mean "ready, demo
  // data printed".
  if (!options.listen_file.empty()) {
    if (const Status written = WriteListenFile(options.listen_file, url, sip_address);
        !written.ok()) {
      spdlog::critical("{}", written.error().detail);
      return 1;
    }
  }
  spdlog::info("listening on {}", url);
  signals.WaitForStop();
  // /readyz says so at once; HTTP serves on while the calls drain.
  draining = true;
  if (engine) DrainCalls(signals, *engine, drain_timeout);
  event_streams.Stop();  // ends the streams while their connections still run
  exports.Stop();        // the same for exports in progress
  server.Stop();
  // No request comes any more: the tokens' last uses still queued are written now.
  if (const auto lost = wired.token_store.Stop(kTokenUseDrainTimeout); lost > 0) {
    spdlog::warn("tokens: the last use of {} token(s) could not be stored", lost);
  }
  metrics.ClearSources();
  if (engine) engine->Stop();
  if (const auto lost = call_events.Stop(kCallEventDrainTimeout); lost > 0) {
    spdlog::error("call log: {} event(s) were lost", lost);
  }
  // Every call has ended: this node holds no channel any more and leaves the others.
  heartbeat.reset();
  if (const Status left = shared_calls.Forget(node.id); !left.ok()) {
    spdlog::warn("node lease: {}; the other nodes release it when it expires", left.error().detail);
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
  serve
      ->add_option("--workers", options->workers,
                   "Threads that handle writes: every request but GET and HEAD (1..256)")
      ->envname("FR_WORKERS")
      ->capture_default_str();
  serve
      ->add_option("--io-threads", options->io_threads,
                   "Threads that run the HTTP connections and answer reads (1..64)")
      ->envname("FR_IO_THREADS")
      ->capture_default_str();
  serve->add_option("--log-format", options->log_format, "text or json")
      ->envname("FR_LOG_FORMAT")
      ->capture_default_str();
  serve->add_option("--log-level", options->log_level, "trace, debug, info, warn, error, off")
      ->envname("FR_LOG_LEVEL")
      ->capture_default_str();
  serve->add_option("--listen-file", options->listen_file,
                    "Once ready, write the HTTP URL and SIP address to this file as JSON")
      ->envname("FR_LISTEN_FILE");
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
  serve->add_option("--audit-retention-days", options->audit_retention.days,
                    "Days audit log entries are kept (0: forever); at least as long as call logs")
      ->envname("FR_AUDIT_RETENTION_DAYS")
      ->check(CLI::Range(0, 36500))
      ->capture_default_str();
  serve->add_option("--caller-calls-per-hour", options->caller_calls_per_hour,
                    "Calls one number may make to one hotline within an hour; more are refused "
                    "as blocked (0: no limit)")
      ->envname("FR_CALLER_CALLS_PER_HOUR")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  serve
      ->add_option("--require-verified-phones", options->require_verified_phones,
                   "on: only agent phones whose number was verified by a call ring for "
                   "hotlines; off: every active phone rings (labs)")
      ->envname("FR_REQUIRE_VERIFIED_PHONES")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve->add_option("--rate-limit", options->rate_limits.requests_per_second,
                    "Requests per second one token may send (bursts of twice as many); 0: no limit")
      ->envname("FR_RATE_LIMIT")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  serve->add_option("--failed-logins-per-minute", options->rate_limits.failed_logins_per_minute,
                    "Requests with invalid tokens one address may send per minute; 0: no limit")
      ->envname("FR_FAILED_LOGINS_PER_MINUTE")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  serve->add_option("--drain-timeout", options->drain_timeout,
                    "After SIGTERM, how long calls in progress may go on before they are ended")
      ->envname("FR_DRAIN_TIMEOUT")
      ->capture_default_str();
  serve->add_option("--public-url", options->public_url,
                    "Base URL users reach the service at, for invite links and Secure cookies")
      ->envname("FR_PUBLIC_URL");
  serve->add_option("--session-idle-timeout", options->session_idle_timeout,
                    "A browser session ends after this long without a request")
      ->envname("FR_SESSION_IDLE_TIMEOUT")
      ->capture_default_str();
  serve->add_option("--session-lifetime", options->session_lifetime,
                    "A browser session ends this long after sign-in, however used")
      ->envname("FR_SESSION_LIFETIME")
      ->capture_default_str();
  serve->add_option("--login-failures-per-account", options->login_throttle.failures_per_account,
                    "Failed sign-ins per e-mail address in 15 minutes before 429; 0: no limit")
      ->envname("FR_LOGIN_FAILURES_PER_ACCOUNT")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  serve->add_option("--login-failures-per-address", options->login_throttle.failures_per_address,
                    "Failed sign-ins per client address in 15 minutes before 429; 0: no limit")
      ->envname("FR_LOGIN_FAILURES_PER_ADDRESS")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  serve->add_option("--trusted-proxy", options->trusted_proxies,
                    "A reverse proxy (IP or CIDR block, repeatable) whose X-Forwarded-For names "
                    "the client; without one the header is ignored")
      ->envname("FR_TRUSTED_PROXY")
      ->delimiter(',');
  serve->add_option("--voicemail-dir", options->voicemail_dir,
                    "Folder of the voicemail recordings (default: voicemails beside a SQLite "
                    "database, var/voicemails for PostgreSQL)")
      ->envname("FR_VOICEMAIL_DIR");
  AddTelephonyOptions(*serve, options->telephony);
  AddWebhookOptions(*serve, options->webhooks);
  AddNodeOptions(*serve, options->node);
  serve->callback([options, &exit_code] { exit_code = Serve(*options); });
}

void AddDatabaseOption(CLI::App& command, DatabaseOption& option) {
  command
      .add_option("--database", option.url,
                  "Database URL: sqlite:PATH or postgresql://[user[:password]@]host[:port]/dbname")
      ->envname("FR_DATABASE")
      ->check(CLI::Validator(
          [](std::string& url) {
            // The message names the URL only with its password masked.
            const auto parsed = ParseDatabaseUrl(url);
            return parsed.ok() ? std::string() : parsed.error().detail;
          },
          "URL"))
      ->capture_default_str();
}

}  // namespace fr
