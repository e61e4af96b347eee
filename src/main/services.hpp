#pragma once

#include <memory>
#include <string>

#include "adapters/crypto/openssl_crypto.hpp"
#include "adapters/crypto/secret_sealer.hpp"
#include "adapters/phone/libphonenumber_plan.hpp"
#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_agent_phone_repository.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/soci_blocked_caller_repository.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "adapters/storage/soci_webhook_repository.hpp"
#include "adapters/webhook/curl_webhook_sender.hpp"
#include "app/account_service.hpp"
#include "app/administration_service.hpp"
#include "app/agent_phone_service.hpp"
#include "app/audit_log_service.hpp"
#include "app/authentication_service.hpp"
#include "app/blocked_caller_service.hpp"
#include "app/call_record_service.hpp"
#include "app/call_routing_service.hpp"
#include "app/export_service.hpp"
#include "app/hotline_provisioner.hpp"
#include "app/hotline_service.hpp"
#include "app/number_inventory_service.hpp"
#include "app/privacy_service.hpp"
#include "app/sip_customer_service.hpp"
#include "app/webhook_service.hpp"
#include "common/clock.hpp"

namespace fr {

// How webhooks are sealed and where they may go (serve's --webhook-… options).
struct WebhookSettings {
  // Without a key, webhooks can be listed but not created, rotated or sent (decision 0048).
  std::optional<AesGcmSecretSealer::Key> key;
  webhook::NetworkPolicy network;
};

// The wiring shared by `serve` and `admin`: one database, its repositories, and the app
// services built on them. Members are declared in construction order.
struct Services {
  Services(std::unique_ptr<Database> db, HotlinePolicy policy, CallRetentionPolicy retention,
           int caller_calls_per_hour, const WebhookSettings& webhook_settings = {},
           AuditRetentionPolicy audit_retention = {})
      : flood_guard(caller_calls_per_hour),
        webhook_sealer(webhook_settings.key),
        webhook_guard(webhook_settings.network),
        database(std::move(db)),
        users(*database),
        organizations(*database),
        tokens(*database),
        agent_phones(*database),
        sip_customers(*database),
        hotlines(*database),
        numbers(*database),
        routing_table(*database),
        call_logs(*database),
        webhooks(*database),
        blocked_callers(*database),
        audit_log(*database),
        authentication(tokens, organizations, digest, clock),
        accounts(users, organizations, hotlines, clock),
        administration(users, organizations, tokens, hotlines, digest, random, clock),
        agent_phone_service(agent_phones, organizations, numbers, numbering_plan, audit_log, clock),
        sip_customer_service(sip_customers, organizations, numbering_plan, clock),
        hotline_service(hotlines, sip_customers, organizations, routing_table, clock, policy),
        number_service(numbers, numbering_plan, clock),
        call_records(hotlines, call_logs, organizations, numbering_plan, clock, retention),
        blocked_caller_service(blocked_callers, numbering_plan, clock),
        call_routing(hotlines, agent_phones, numbers, blocked_callers, flood_guard,
                     numbering_plan, clock),
        privacy(organizations, call_logs, numbering_plan, retention, clock),
        exports(organizations, users, tokens, hotline_service, call_records, agent_phone_service,
                accounts, audit_log, clock),
        webhook_service(webhooks, webhook_guard, webhook_sealer, random, clock),
        audit_service(audit_log, clock, audit_retention) {}

  // Opens `url` and builds everything. Errors: those of Database::Open.
  // `caller_calls_per_hour`: the flood guard's limit (decision 0044; 0: none).
  static Result<std::unique_ptr<Services>> Open(const std::string& url, std::size_t pool_size,
                                                HotlinePolicy policy = {},
                                                CallRetentionPolicy retention = {},
                                                int caller_calls_per_hour = 20,
                                                const WebhookSettings& webhooks = {},
                                                AuditRetentionPolicy audit_retention = {});

  SystemClock clock;
  OpensslSecretDigest digest;
  OpensslSecureRandom random;
  CallerFloodGuard flood_guard;
  LibphonenumberPlan numbering_plan;
  AesGcmSecretSealer webhook_sealer;
  webhook::CurlUrlGuard webhook_guard;
  std::unique_ptr<Database> database;
  SociUserRepository users;
  SociOrganizationRepository organizations;
  SociTokenRepository tokens;
  SociAgentPhoneRepository agent_phones;
  SociSipCustomerRepository sip_customers;
  SociHotlineRepository hotlines;
  SociNumberInventory numbers;
  SociRoutingTable routing_table;
  SociCallLogRepository call_logs;
  SociWebhookRepository webhooks;
  SociBlockedCallerRepository blocked_callers;
  SociAuditLogRepository audit_log;
  AuthenticationService authentication;
  AccountService accounts;
  AdministrationService administration;
  AgentPhoneService agent_phone_service;
  SipCustomerService sip_customer_service;
  HotlineService hotline_service;
  NumberInventoryService number_service;
  CallRecordService call_records;
  BlockedCallerService blocked_caller_service;
  CallRoutingService call_routing;
  PrivacyService privacy;
  ExportService exports;
  WebhookService webhook_service;
  AuditLogService audit_service;
};

}  // namespace fr
