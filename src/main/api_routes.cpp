#include "main/api_routes.hpp"

#include "adapters/http/routes.hpp"

namespace fr {

void RegisterApiRoutes(http::Router& router, Services& services, const http::HttpMetrics& metrics,
                       http::EventStreamHub& event_streams, http::ExportRunner& exports,
                       PromptPreviewService& previews, std::vector<http::ReadinessReport> reports,
                       std::function<bool()> draining, http::SessionRouteOptions sessions) {
  http::AddOperationalRoutes(router,
                             {.storage = [&services] { return services.database->Ping(); },
                              .draining = std::move(draining),
                              .reports = std::move(reports)},
                             metrics);
  http::AddAccountRoutes(router, services.accounts);
  http::AddSessionRoutes(router, services.login, std::move(sessions));
  http::AddAgentPhoneRoutes(router, services.agent_phone_service, services.phone_verifications,
                            services.numbering_plan);
  http::AddHotlineRoutes(router, services.hotline_service, services.numbering_plan);
  http::AddCallLogRoutes(router, services.call_records);
  http::AddReportRoutes(router, services.call_reports);
  http::AddLiveCallRoutes(router, services.live_calls);
  http::AddBlockedCallerRoutes(router, services.blocked_caller_service, services.numbering_plan);
  http::AddPrivacyRoutes(router, services.privacy, services.exports, exports);
  http::AddSipCustomerRoutes(router, services.sip_customer_service, services.numbering_plan);
  http::AddWebhookRoutes(router, services.webhook_service);
  http::AddEventStreamRoutes(router, services.event_streams, event_streams);
  http::AddVoicemailRoutes(router, services.voicemail_service);
  http::AddAuditLogRoutes(router, services.audit_service);
  http::AddPromptPreviewRoutes(router, previews);
  http::AddMemberRoutes(router, services.members);
  http::AddPersonalTokenRoutes(router, services.personal_tokens);
}

}  // namespace fr
