#pragma once

#include <functional>
#include <string>
#include <vector>

#include "adapters/http/metrics.hpp"
#include "adapters/http/router.hpp"
#include "app/account_service.hpp"
#include "app/agent_phone_service.hpp"
#include "app/audit_log_service.hpp"
#include "app/blocked_caller_service.hpp"
#include "app/call_record_service.hpp"
#include "app/export_service.hpp"
#include "app/hotline_service.hpp"
#include "app/privacy_service.hpp"
#include "app/sip_customer_service.hpp"
#include "app/webhook_service.hpp"

namespace fr::http {

// Each function registers one group of endpoints; main decides which groups a server has.

// A line of /readyz's "checks" that informs without deciding readiness: its name and a
// function (called on an HTTP thread, so thread-safe) that says its state in words.
struct ReadinessReport {
  std::string name;                  // "sipTrunk"
  std::function<std::string()> state;  // "registered", "failed: 503 Service Unavailable"
};

// What /readyz answers from.
struct Readiness {
  std::function<Status()> storage;  // when it fails: 503, /problems/unavailable
  // True from the first SIGTERM on (decision 0033): 503 {"status":"draining"}, so that a load
  // balancer stops sending, while every other route answers as usual. Thread-safe; empty:
  // never draining.
  std::function<bool()> draining;
  std::vector<ReadinessReport> reports;  // listed beside "storage"
};

// GET /healthz, /readyz (see Readiness), /metrics, /openapi.json, /docs: no token needed.
void AddOperationalRoutes(Router& router, Readiness readiness, const HttpMetrics& metrics);

// GET /v1/me, PUT and DELETE /v1/me/organizations/{id}.
void AddAccountRoutes(Router& router, AccountService& accounts);

// GET/POST /v1/agent-phones, PUT/DELETE /v1/agent-phones/{id}.
void AddAgentPhoneRoutes(Router& router, AgentPhoneService& phones, const NumberingPlan& plan);

// GET/POST /v1/hotlines, GET/PUT/DELETE /v1/hotlines/{hotlineID}.
void AddHotlineRoutes(Router& router, HotlineService& hotlines);

// GET /v1/hotlines/{hotlineID}/call-logs, …/call-logs/{logID}, …/telephone-records.
void AddCallLogRoutes(Router& router, CallRecordService& records);

// GET/POST /v1/organizations/{organizationID}/blocked-callers, DELETE …/{blockedCallerID}.
void AddBlockedCallerRoutes(Router& router, BlockedCallerService& blocks,
                            const NumberingPlan& plan);
// GET/PATCH /v1/organizations/{organizationID}, POST …/privacy/erase-caller, GET …/export,
// GET /v1/me/export.
void AddPrivacyRoutes(Router& router, PrivacyService& privacy, ExportService& exports);

// POST /v1/sip-customer, GET /v1/sip-customer/{id}.
void AddSipCustomerRoutes(Router& router, SipCustomerService& customers,
                          const NumberingPlan& plan);

// GET/POST /v1/organizations/{organizationID}/webhooks, GET/PUT/DELETE …/{webhookID},
// POST …/{webhookID}/rotate-secret, GET …/{webhookID}/deliveries,
// POST …/deliveries/{deliveryID}/redeliver.
void AddWebhookRoutes(Router& router, WebhookService& webhooks);

// GET /v1/organizations/{organizationID}/audit-log, GET /v1/me/audit-log (nothing else: the log
// cannot be changed through the API).
void AddAuditLogRoutes(Router& router, AuditLogService& audit);

}  // namespace fr::http
