#include "adapters/http/json_io.hpp"
#include "adapters/http/json_writer.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

std::optional<std::string> Nonempty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional(text);
}

// Members in sorted order, as a Json object would write them; `secret` only when given (the
// answers to a creation and a rotation).
void WriteWebhook(JsonWriter& writer, const Webhook& webhook, const std::string* secret = nullptr) {
  writer.BeginObject()
      .Member("createdAt", FormatTimestamp(webhook.created_at))
      .Member("disabledReason", Nonempty(webhook.disabled_reason))
      .Key("eventTypes")
      .BeginArray();
  for (const auto type : webhook.event_types) writer.String(WebhookEventTypeName(type));
  writer.EndArray()
      .Member("id", webhook.id.value)
      .Member("includeCallerNumber", webhook.include_caller_number)
      .Member("isActive", webhook.is_active)
      .Member("organizationID", webhook.organization_id.value);
  if (secret != nullptr) writer.Member("secret", *secret);
  writer.Member("updatedAt", FormatTimestamp(webhook.updated_at))
      .Member("url", webhook.url)
      .EndObject();
}

void WriteDelivery(JsonWriter& writer, const WebhookDelivery& delivery) {
  writer.BeginObject()
      .Member("attempts", delivery.attempts)
      .Member("createdAt", FormatTimestamp(delivery.created_at))
      .Member("durationMs", delivery.duration_ms)
      .Member("error", Nonempty(delivery.error))
      .Member("eventID", delivery.event.value)
      .Member("eventType", WebhookEventTypeName(delivery.event_type))
      .Member("id", delivery.id.value)
      .Member("lastAttemptAt", delivery.last_attempt_at, FormatTimestamp)
      .Member("nextAttemptAt", delivery.next_attempt_at, FormatTimestamp)
      .Member("state", DeliveryStateName(delivery.state))
      .Member("statusCode", delivery.status_code)
      .Member("webhookID", delivery.webhook.value)
      .EndObject();
}

template <typename Value, typename Write>
Response JsonOf(int status, const Value& value, Write&& write) {
  std::string body;
  JsonWriter writer(body);
  write(writer, value);
  return JsonTextResponse(status, std::move(body));
}

Response WebhookResponse(int status, const Webhook& webhook, const std::string* secret = nullptr) {
  return JsonOf(status, webhook, [secret](JsonWriter& writer, const Webhook& value) {
    WriteWebhook(writer, value, secret);
  });
}

std::string WebhookPath(const Webhook& webhook) {
  return "/v1/organizations/" + std::to_string(webhook.organization_id.value) + "/webhooks/" +
         std::to_string(webhook.id.value);
}

struct Page {
  std::int64_t limit = 10, offset = 0;
};

Result<Page> ReadPage(const Request& request) {
  const auto limit = QueryInt(request, "limit", 1, 50, 10);
  const auto offset = QueryInt(request, "offset", 0, INT64_MAX, 0);
  std::vector<FieldError> errors;
  CollectFieldErrors(limit, errors);
  CollectFieldErrors(offset, errors);
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  return Page{*limit, *offset};
}

// The organisation and webhook of the path.
struct WebhookPathIds {
  OrganizationId organization;
  WebhookId webhook;
};

Result<WebhookPathIds> ReadWebhookPath(const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const std::int64_t webhook, PathId(context, "webhookID"));
  return WebhookPathIds{OrganizationId(organization), WebhookId(webhook)};
}

HandlerResult List(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const Page page, ReadPage(context.request));
  FR_ASSIGN_OR_RETURN(
      const WebhookPage found,
      webhooks.List(*context.principal, OrganizationId(organization), page.limit, page.offset));
  return JsonTextResponse(200, PageJson("webhooks", found.webhooks, "totalWebhooks", found.total,
                                        [](JsonWriter& writer, const Webhook& webhook) {
                                          WriteWebhook(writer, webhook);
                                        }));
}

HandlerResult Create(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(
      const WebhookDraft draft,
      DecodeWebhookDraft(context.request.body, OrganizationId(organization), std::nullopt));
  FR_ASSIGN_OR_RETURN(const WebhookWithSecret created, webhooks.Create(*context.principal, draft));
  return WebhookResponse(201, created.webhook, &created.secret)
      .WithHeader("Location", WebhookPath(created.webhook))
      .WithHeader("Cache-Control", "no-store");
}

HandlerResult Get(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const WebhookPathIds ids, ReadWebhookPath(context));
  FR_ASSIGN_OR_RETURN(const Webhook webhook,
                      webhooks.Get(*context.principal, ids.organization, ids.webhook));
  return WebhookResponse(200, webhook);
}

HandlerResult Update(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const WebhookPathIds ids, ReadWebhookPath(context));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(
      const WebhookDraft draft,
      DecodeWebhookDraft(context.request.body, ids.organization, ids.webhook.value));
  FR_ASSIGN_OR_RETURN(const Webhook updated,
                      webhooks.Update(*context.principal, ids.webhook, draft));
  return WebhookResponse(200, updated);
}

HandlerResult Delete(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const WebhookPathIds ids, ReadWebhookPath(context));
  FR_RETURN_IF_ERROR(webhooks.Delete(*context.principal, ids.organization, ids.webhook));
  return NoContentResponse();
}

HandlerResult RotateSecret(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const WebhookPathIds ids, ReadWebhookPath(context));
  FR_ASSIGN_OR_RETURN(const WebhookWithSecret rotated,
                      webhooks.RotateSecret(*context.principal, ids.organization, ids.webhook));
  return WebhookResponse(200, rotated.webhook, &rotated.secret)
      .WithHeader("Cache-Control", "no-store");
}

HandlerResult ListDeliveries(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const WebhookPathIds ids, ReadWebhookPath(context));
  FR_ASSIGN_OR_RETURN(const Page page, ReadPage(context.request));
  FR_ASSIGN_OR_RETURN(const WebhookDeliveryPage found,
                      webhooks.ListDeliveries(*context.principal, ids.organization, ids.webhook,
                                              page.limit, page.offset));
  return JsonTextResponse(
      200, PageJson("deliveries", found.deliveries, "totalDeliveries", found.total, WriteDelivery));
}

HandlerResult Redeliver(WebhookService& webhooks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const WebhookPathIds ids, ReadWebhookPath(context));
  FR_ASSIGN_OR_RETURN(const std::int64_t delivery, PathId(context, "deliveryID"));
  FR_ASSIGN_OR_RETURN(const WebhookDelivery queued,
                      webhooks.Redeliver(*context.principal, ids.organization, ids.webhook,
                                         WebhookDeliveryId(delivery)));
  return JsonOf(202, queued, WriteDelivery);
}

}  // namespace

void AddWebhookRoutes(Router& router, WebhookService& webhooks) {
  using Function = HandlerResult (*)(WebhookService&, const RequestContext&);
  const auto bind = [&webhooks](Function handler) {
    return
        [&webhooks, handler](const RequestContext& context) { return handler(webhooks, context); };
  };
  const std::string list = "/v1/organizations/{organizationID}/webhooks";
  const std::string one = list + "/{webhookID}";
  router.Add({"GET", list, AuthPolicy::kTokenRequired, bind(List)});
  router.Add({"POST", list, AuthPolicy::kTokenRequired, bind(Create)});
  router.Add({"GET", one, AuthPolicy::kTokenRequired, bind(Get)});
  router.Add({"PUT", one, AuthPolicy::kTokenRequired, bind(Update)});
  router.Add({"DELETE", one, AuthPolicy::kTokenRequired, bind(Delete)});
  router.Add({"POST", one + "/rotate-secret", AuthPolicy::kTokenRequired, bind(RotateSecret)});
  router.Add({"GET", one + "/deliveries", AuthPolicy::kTokenRequired, bind(ListDeliveries)});
  router.Add({"POST", one + "/deliveries/{deliveryID}/redeliver", AuthPolicy::kTokenRequired,
              bind(Redeliver)});
}

}  // namespace fr::http
