#include "adapters/http/pipeline.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "adapters/http/json_io.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_crypto.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr::http {
namespace {

// A pipeline over public routes whose handlers fail or succeed as each test says: what the
// client gets is what the pipeline made of the handler's Result.
class PipelineTest : public ::testing::Test {
 protected:
  void AddRoute(std::string path, Handler handler) {
    router_.Add({"GET", std::move(path), AuthPolicy::kPublic, std::move(handler)});
  }

  Pipeline::Outcome Get(std::string path,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request;
    request.method = "GET";
    request.path = std::move(path);
    request.headers = std::move(headers);
    request.request_id = "req-7";
    return Pipeline(router_, authentication_, 1024, RateLimits{0, 0}).Handle(request);
  }

  static std::string HeaderOf(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  testing::FakeClock clock_;
  testing::FakeSecretDigest digest_;
  testing::InMemoryOrganizationRepository organizations_;
  testing::InMemoryTokenRepository tokens_;
  AuthenticationService authentication_{tokens_, organizations_, digest_, clock_};
  Router router_;
};

TEST_F(PipelineTest, DomainErrorsBecomeProblemsWithTheRequestId) {
  struct Row {
    Error error;
    int status;
    const char* type;
    const char* header;  // the one header the error adds, or ""
    const char* header_value;
  };
  const Row rows[] = {
      {Error::NotFound("No such hotline."), 404, "/problems/not-found", "", ""},
      {Error::PermissionDenied("Admins only."), 403, "/problems/forbidden", "", ""},
      {Error::Conflict("Stale."), 412, "/problems/precondition-failed", "", ""},
      {Error::Unavailable("Busy."), 503, "/problems/unavailable", "Retry-After", "1"},
      {Error::Unauthenticated("No."), 401, "/problems/unauthenticated", "WWW-Authenticate",
       "Bearer realm=\"first-responder\", error=\"invalid_token\""},
  };
  for (const Row& row : rows) {
    // A fresh router per row; replaced before the next row, not before the checks: the outcome's
    // route is a view of the router's template.
    router_ = Router();
    AddRoute("/fails", [&row](const RequestContext&) -> HandlerResult { return row.error; });
    const Pipeline::Outcome outcome = Get("/fails");
    const Response& response = outcome.response;
    SCOPED_TRACE(row.type);
    EXPECT_EQ(outcome.route, "/fails");
    EXPECT_EQ(response.status, row.status);
    EXPECT_EQ(response.content_type, "application/problem+json");
    const auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["type"], row.type);
    EXPECT_EQ(body["status"], row.status);
    EXPECT_EQ(body["detail"], row.error.detail);
    EXPECT_EQ(body["requestId"], "req-7");
    EXPECT_EQ(body["instance"], "urn:request:req-7");
    if (*row.header == '\0') {
      EXPECT_TRUE(response.headers.empty());
    } else {
      ASSERT_EQ(response.headers.size(), 1u);
      EXPECT_EQ(HeaderOf(response, row.header), row.header_value);
    }
  }
}

TEST_F(PipelineTest, FieldErrorsReachTheProblemInOrder) {
  AddRoute("/fails", [](const RequestContext&) -> HandlerResult {
    return Error::InvalidArgument("The hotline is invalid.",
                                  {{"name", "is required"}, {"agents", "must be an array"}});
  });
  const auto body = nlohmann::json::parse(Get("/fails").response.body);
  EXPECT_EQ(body["type"], "/problems/invalid-request");
  EXPECT_EQ(body["detail"], "The hotline is invalid.");
  ASSERT_EQ(body["errors"].size(), 2u);
  EXPECT_EQ(body["errors"][0], (nlohmann::json{{"field", "name"}, {"message", "is required"}}));
  EXPECT_EQ(body["errors"][1],
            (nlohmann::json{{"field", "agents"}, {"message", "must be an array"}}));
}

// The HTTP layer's own refusals travel as a Problem: RequireJsonBody's 415, passed on through
// FR_RETURN_IF_ERROR as a handler does.
TEST_F(PipelineTest, HttpProblemsOfHandlersKeepTheirStatus) {
  AddRoute("/json", [](const RequestContext& context) -> HandlerResult {
    FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
    return JsonResponse(200, {{"accepted", true}});
  });
  const Response refused = Get("/json", {{"content-type", "text/plain"}}).response;
  EXPECT_EQ(refused.status, 415);
  EXPECT_EQ(refused.content_type, "application/problem+json");
  const auto body = nlohmann::json::parse(refused.body);
  EXPECT_EQ(body["type"], "/problems/unsupported-media-type");
  EXPECT_EQ(body["requestId"], "req-7");
  EXPECT_EQ(Get("/json", {{"content-type", "application/json"}}).response.status, 200);
}

TEST_F(PipelineTest, SuccessIsTheHandlersResponseAsItIs) {
  AddRoute("/ok", [](const RequestContext&) -> HandlerResult {
    return JsonResponse(201, {{"id", 3}})
        .WithHeader("Location", "/ok/3")
        .WithHeader("ETag", "\"1\"");
  });
  const Pipeline::Outcome outcome = Get("/ok");
  EXPECT_EQ(outcome.route, "/ok");
  EXPECT_EQ(outcome.response.status, 201);
  EXPECT_EQ(outcome.response.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(outcome.response.body, R"({"id":3})");
  EXPECT_EQ(outcome.response.headers, (std::vector<std::pair<std::string, std::string>>{
                                          {"Location", "/ok/3"}, {"ETag", "\"1\""}}));
}

// A domain kInternal and an exception end alike: a 500 that says nothing of the cause.
TEST_F(PipelineTest, InternalFailuresRevealNothing) {
  AddRoute("/internal", [](const RequestContext&) -> HandlerResult {
    return Error::Internal("SQLITE_CORRUPT at page 7");
  });
  AddRoute("/throws", [](const RequestContext&) -> HandlerResult {
    throw std::runtime_error("SQLITE_CORRUPT at page 7");
  });
  for (const char* path : {"/internal", "/throws"}) {
    SCOPED_TRACE(path);
    const Response response = Get(path).response;
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.body.find("SQLITE"), std::string::npos);
    const auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["type"], "/problems/internal-error");
    EXPECT_EQ(body["requestId"], "req-7");
  }
}

}  // namespace
}  // namespace fr::http

namespace fr::http {
namespace {

Request WithHeader(std::string name, std::string value) {
  Request request;
  request.headers.emplace_back(std::move(name), std::move(value));
  return request;
}

// A proxy may join repeated fields into one ("a, b"): still two credentials.
TEST(CredentialOfTest, RepeatedTokenFieldsJoinedByAProxyAreStillSeveralCredentials) {
  for (const char* name : {"personal-access-token", "api-token"}) {
    const auto two = CredentialOf(WithHeader(name, "frpat_one, frpat_two"));
    ASSERT_FALSE(two.ok()) << name;
    EXPECT_EQ(two.error().code, ErrorCode::kInvalidArgument);
    const auto same = CredentialOf(WithHeader(name, "frpat_one,frpat_one "));
    ASSERT_TRUE(same.ok()) << name;
    ASSERT_TRUE(*same);
    EXPECT_EQ((*same)->secret, "frpat_one");
    const auto one = CredentialOf(WithHeader(name, " frpat_one "));
    ASSERT_TRUE(one.ok() && *one);
    EXPECT_EQ((*one)->secret, "frpat_one");
  }
}

}  // namespace
}  // namespace fr::http
