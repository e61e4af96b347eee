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
#include "app/call_report_service.hpp"
#include "app/event_stream_service.hpp"
#include "app/export_service.hpp"
#include "app/hotline_service.hpp"
#include "app/live_call_service.hpp"
#include "app/login_service.hpp"
#include "app/member_service.hpp"
#include "app/personal_token_service.hpp"
#include "app/phone_verification_service.hpp"
#include "app/privacy_service.hpp"
#include "app/prompt_preview_service.hpp"
#include "app/sip_customer_service.hpp"
#include "app/voicemail_service.hpp"
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

// The web console (web/, embedded at build time): GET of each page in kConsolePages answers its
// index.html (Cache-Control: no-cache), GET /assets/{file} its hashed files (immutable, cached
// for a year). No token needed: the pages hold no data; they ask the API like any client.
void AddConsoleRoutes(Router& router);

// GET /v1/me, PUT and DELETE /v1/me/organizations/{id}.
void AddAccountRoutes(Router& router, AccountService& accounts);

// GET/POST /v1/agent-phones, PUT/DELETE /v1/agent-phones/{id}.
void AddAgentPhoneRoutes(Router& router, AgentPhoneService& phones,
                         PhoneVerificationService& verifications, const NumberingPlan& plan);

// GET/POST /v1/hotlines, GET/PUT/DELETE /v1/hotlines/{hotlineID}.
void AddHotlineRoutes(Router& router, HotlineService& hotlines, const NumberingPlan& plan);

// GET /v1/hotlines/{hotlineID}/call-logs, …/call-logs/{logID}, …/telephone-records.
void AddCallLogRoutes(Router& router, CallRecordService& records);

// How the sign-in endpoints build cookies and links (decision 0051, 0053).
struct SessionRouteOptions {
  bool always_secure = false;  // every session cookie gets Secure (--public-url is https)
  // The base of invite links (--public-url, or the address the server listens on). Called on
  // worker threads: thread-safe.
  std::function<std::string()> public_url = [] { return std::string("http://127.0.0.1:8080"); };
};

// POST/DELETE /v1/session, GET /v1/me/sessions, DELETE /v1/me/sessions/{sessionID},
// POST /v1/password, POST /v1/organizations/{organizationID}/members/{userID}/invite.
void AddSessionRoutes(Router& router, LoginService& logins, SessionRouteOptions options);
// GET /v1/hotlines/{hotlineID}/reports/calls and …/reports/calls.csv (decision 0061).
void AddReportRoutes(Router& router, CallReportService& reports);

class EventStreamHub;
class ExportRunner;
// GET /v1/organizations/{organizationID}/events: the organisation's events as Server-Sent
// Events, served by `hub` (decision 0063).
void AddEventStreamRoutes(Router& router, EventStreamService& events, EventStreamHub& hub);

// GET /v1/hotlines/{hotlineID}/calls: the calls in progress (decision 0062).
void AddLiveCallRoutes(Router& router, LiveCallService& live_calls);

// GET/POST /v1/organizations/{organizationID}/blocked-callers, DELETE …/{blockedCallerID}.
void AddBlockedCallerRoutes(Router& router, BlockedCallerService& blocks,
                            const NumberingPlan& plan);
// GET/PATCH /v1/organizations/{organizationID}, POST …/privacy/erase-caller, GET …/export,
// GET /v1/me/export; the exports stream on `runner`'s threads.
void AddPrivacyRoutes(Router& router, PrivacyService& privacy, ExportService& exports,
                      ExportRunner& runner);

// POST /v1/sip-customer, GET /v1/sip-customer/{id}.
void AddSipCustomerRoutes(Router& router, SipCustomerService& customers,
                          const NumberingPlan& plan);

// GET/POST /v1/organizations/{organizationID}/webhooks, GET/PUT/DELETE …/{webhookID},
// POST …/{webhookID}/rotate-secret, GET …/{webhookID}/deliveries,
// POST …/deliveries/{deliveryID}/redeliver.
void AddWebhookRoutes(Router& router, WebhookService& webhooks);

// GET /v1/hotlines/{hotlineID}/voicemails; GET, PUT (listened), DELETE
// /v1/hotlines/{hotlineID}/voicemails/{voicemailID}; GET …/{voicemailID}/audio (audio/wav,
// one byte range per request).
void AddVoicemailRoutes(Router& router, VoicemailService& voicemails);
// GET /v1/organizations/{organizationID}/audit-log, GET /v1/me/audit-log (nothing else: the log
// cannot be changed through the API).
void AddAuditLogRoutes(Router& router, AuditLogService& audit);

// POST /v1/tts/preview: a prompt text spoken as audio/wav (decision 0072).
void AddPromptPreviewRoutes(Router& router, PromptPreviewService& previews);

// GET /v1/organizations/{organizationID}/members, PUT …/members/{userID} (its role).
void AddMemberRoutes(Router& router, MemberService& members);

// GET/POST /v1/me/tokens, DELETE /v1/me/tokens/{tokenID} (decision 0074).
void AddPersonalTokenRoutes(Router& router, PersonalTokenService& tokens);

}  // namespace fr::http
