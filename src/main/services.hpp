#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "adapters/crypto/openssl_crypto.hpp"
#include "adapters/crypto/secret_sealer.hpp"
#include "adapters/crypto/sodium_password_hasher.hpp"
#include "adapters/phone/libphonenumber_plan.hpp"
#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_agent_phone_repository.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/soci_blocked_caller_repository.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_call_report_source.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "adapters/storage/soci_live_call_source.hpp"
#include "adapters/storage/soci_voicemail_repository.hpp"
#include "adapters/storage/soci_webhook_repository.hpp"
#include "adapters/storage/voicemail_folder.hpp"
#include "adapters/webhook/curl_webhook_sender.hpp"
#include "app/account_service.hpp"
#include "app/administration_service.hpp"
#include "app/agent_phone_service.hpp"
#include "app/audit_log_service.hpp"
#include "app/authentication_service.hpp"
#include "app/blocked_caller_service.hpp"
#include "app/call_record_service.hpp"
#include "app/call_report_service.hpp"
#include "app/call_routing_service.hpp"
#include "app/event_stream_service.hpp"
#include "app/export_service.hpp"
#include "app/hotline_provisioner.hpp"
#include "app/hotline_service.hpp"
#include "app/live_call_service.hpp"
#include "app/login_service.hpp"
#include "app/member_service.hpp"
#include "app/number_inventory_service.hpp"
#include "app/personal_token_service.hpp"
#include "app/phone_verification_service.hpp"
#include "app/privacy_service.hpp"
#include "app/sip_customer_service.hpp"
#include "app/voicemail_service.hpp"
#include "app/webhook_service.hpp"
#include "app/write_behind_token_repository.hpp"
#include "common/clock.hpp"

namespace fr {

// How sign-in behaves (`serve`'s options; decisions 0051, 0052).
struct SignInPolicy {
  SessionPolicy sessions;
  LoginThrottlePolicy throttle;
};

// How webhooks are sealed and where they may go (serve's --webhook-… options).
struct WebhookSettings {
  // Without a key, webhooks can be listed but not created, rotated or sent (decision 0048).
  std::optional<AesGcmSecretSealer::Key> key;
  webhook::NetworkPolicy network;
};

// The wiring shared by `serve` and `admin`: one database, its repositories, and the app
// services built on them. Members are declared in construction order.
struct Services {
  Services(std::unique_ptr<Database> db, std::unique_ptr<VoicemailFolder> folder,
           HotlinePolicy policy, CallRetentionPolicy retention, int caller_calls_per_hour,
           const WebhookSettings& webhook_settings = {}, SignInPolicy sign_in = {},
           AuditRetentionPolicy audit_retention = {})
      : flood_guard(caller_calls_per_hour),
        webhook_sealer(webhook_settings.key),
        webhook_guard(webhook_settings.network),
        database(std::move(db)),
        voicemail_folder(std::move(folder)),
        users(*database),
        logins(*database),
        organizations(*database),
        tokens(*database),
        agent_phones(*database),
        sip_customers(*database),
        hotlines(*database),
        numbers(*database),
        routing_table(*database),
        call_logs(*database),
        call_report_source(*database),
        live_call_source(*database),
        webhooks(*database),
        blocked_callers(*database),
        voicemails(*database),
        audit_log(*database),
        token_store(tokens),
        authentication(token_store, organizations, digest, clock, sign_in.sessions.idle_timeout),
        login(users, organizations, logins, token_store, password_hasher, digest, random, clock,
              sign_in.sessions, sign_in.throttle),
        accounts(users, organizations, hotlines, clock),
        administration(users, organizations, token_store, hotlines, digest, random, clock),
        members(users, organizations, logins, clock),
        personal_tokens(administration),
        agent_phone_service(agent_phones, organizations, numbers, numbering_plan, audit_log, clock),
        phone_verifications(agent_phone_service, agent_phones, organizations, hotlines, numbers,
                            numbering_plan, random, clock,
                            VerificationPolicy{.default_language = policy.default_language}),
        sip_customer_service(sip_customers, organizations, numbering_plan, clock),
        hotline_service(hotlines, sip_customers, organizations, routing_table, numbers,
                        numbering_plan, clock, policy),
        number_service(numbers, numbering_plan, clock),
        call_records(hotlines, call_logs, organizations, numbering_plan, clock, retention),
        call_reports(hotlines, call_report_source),
        live_calls(hotlines, live_call_source),
        blocked_caller_service(blocked_callers, numbering_plan, clock),
        call_routing(hotlines, agent_phones, numbers, blocked_callers, flood_guard, numbering_plan,
                     clock, policy.require_verified_phones),
        privacy(organizations, call_logs, numbering_plan, retention, clock),
        voicemail_service(hotlines, voicemails, *voicemail_folder),
        exports(organizations, users, token_store, hotline_service, call_records,
                agent_phone_service, accounts, voicemail_service, audit_log, clock),
        webhook_service(webhooks, webhook_guard, webhook_sealer, random, clock),
        event_streams(webhooks, token_store, organizations, clock),
        audit_service(audit_log, clock, audit_retention) {}

  // Opens `url` and builds everything. Errors: those of Database::Open and
  // VoicemailFolder::Open. `caller_calls_per_hour`: the flood guard's limit (decision 0044; 0:
  // none). `voicemail_dir`: the voicemails' folder (empty: DefaultVoicemailDir).
  static Result<std::unique_ptr<Services>> Open(const std::string& url, std::size_t pool_size,
                                                HotlinePolicy policy = {},
                                                CallRetentionPolicy retention = {},
                                                int caller_calls_per_hour = 20,
                                                const WebhookSettings& webhooks = {},
                                                SignInPolicy sign_in = {},
                                                const std::string& voicemail_dir = {},
                                                AuditRetentionPolicy audit_retention = {});

  SystemClock clock;
  OpensslSecretDigest digest;
  OpensslSecureRandom random;
  SodiumPasswordHasher password_hasher;
  CallerFloodGuard flood_guard;
  LibphonenumberPlan numbering_plan;
  AesGcmSecretSealer webhook_sealer;
  webhook::CurlUrlGuard webhook_guard;
  std::unique_ptr<Database> database;
  std::unique_ptr<VoicemailFolder> voicemail_folder;
  SociUserRepository users;
  SociLoginRepository logins;
  SociOrganizationRepository organizations;
  SociTokenRepository tokens;
  SociAgentPhoneRepository agent_phones;
  SociSipCustomerRepository sip_customers;
  SociHotlineRepository hotlines;
  SociNumberInventory numbers;
  SociRoutingTable routing_table;
  SociCallLogRepository call_logs;
  SociCallReportSource call_report_source;
  SociLiveCallSource live_call_source;
  SociWebhookRepository webhooks;
  SociBlockedCallerRepository blocked_callers;
  SociVoicemailRepository voicemails;
  SociAuditLogRepository audit_log;
  // What the services use for tokens: `tokens`, with each token's last use written off the
  // request's thread (issue #12). `serve` stops it once HTTP stopped.
  WriteBehindTokenRepository token_store;
  AuthenticationService authentication;
  LoginService login;
  AccountService accounts;
  AdministrationService administration;
  MemberService members;
  PersonalTokenService personal_tokens;
  AgentPhoneService agent_phone_service;
  PhoneVerificationService phone_verifications;  // serve attaches the engine as its caller
  SipCustomerService sip_customer_service;
  HotlineService hotline_service;
  NumberInventoryService number_service;
  CallRecordService call_records;
  CallReportService call_reports;
  LiveCallService live_calls;
  BlockedCallerService blocked_caller_service;
  CallRoutingService call_routing;
  PrivacyService privacy;
  VoicemailService voicemail_service;
  ExportService exports;
  WebhookService webhook_service;
  EventStreamService event_streams;
  AuditLogService audit_service;
};

// The voicemails' folder when --voicemail-dir names none: "voicemails" beside a SQLite
// database, "var/voicemails" in the working folder for PostgreSQL.
std::filesystem::path DefaultVoicemailDir(const std::string& database_url);

}  // namespace fr
