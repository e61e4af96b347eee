#include "adapters/http/problem.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fr::http {
namespace {

TEST(ProblemFromError, MapsEveryCodeToItsStatus) {
  const std::pair<ErrorCode, int> table[] = {
      {ErrorCode::kInvalidArgument, 400},    {ErrorCode::kNotFound, 404},
      {ErrorCode::kAlreadyExists, 409},      {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kPermissionDenied, 403},   {ErrorCode::kFailedPrecondition, 409},
      {ErrorCode::kConflict, 412},           {ErrorCode::kResourceExhausted, 409},
      {ErrorCode::kTooManyRequests, 429},    {ErrorCode::kUnavailable, 503},
      {ErrorCode::kInternal, 500},
  };
  for (const auto& [code, status] : table) {
    EXPECT_EQ(ProblemFromError({code, "d", {}}).status, status) << ErrorCodeName(code);
  }
}

// Each type the server can build has its section in docs/problems.md. (The integration suite's
// HTTP client also checks every problem it receives, which covers the types seen in practice.)
TEST(ProblemTypes, EveryTypeIsDocumented) {
  std::ifstream file(std::string(FR_SOURCE_DIR) + "/docs/problems.md");
  std::stringstream doc;
  doc << file.rdbuf();
  ASSERT_FALSE(doc.str().empty());
  std::vector<Problem> problems = {RouteNotFoundProblem(),        MethodNotAllowedProblem("PATCH"),
                                   UnsupportedMediaTypeProblem(), ContentTooLargeProblem(1),
                                   OverloadedProblem(),           TooManyRequestsProblem("d"),
                                   UnexpectedErrorProblem(),      MalformedRequestProblem("d"),
                                   UriTooLongProblem(8192),       HeaderFieldsTooLargeProblem(),
                                   MethodNotImplementedProblem(), RangeNotSatisfiableProblem(9)};
  for (const ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
        ErrorCode::kUnauthenticated, ErrorCode::kPermissionDenied, ErrorCode::kFailedPrecondition,
        ErrorCode::kConflict, ErrorCode::kResourceExhausted, ErrorCode::kTooManyRequests,
        ErrorCode::kUnavailable, ErrorCode::kInternal}) {
    problems.push_back(ProblemFromError({code, "d", {}}));
  }
  for (const Problem& problem : problems) {
    const std::string text = doc.str();
    const auto at = text.find("\n## " + problem.type_slug + "\n");
    ASSERT_NE(at, std::string::npos) << problem.type_slug << " has no section";
    const std::string section = text.substr(at, text.find("\n## ", at + 1) - at);
    EXPECT_NE(section.find("**Status:** " + std::to_string(problem.status) + " "), std::string::npos)
        << problem.type_slug << " is documented with another status";
  }
}

TEST(ProblemResponse, IsRfc9457WithFieldErrorsAndRequestId) {
  const auto response = ErrorResponse(
      Error::InvalidArgument("Bad.", {{"phone", "is not a valid number"}}), "req-1");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/problem+json");
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["type"], "/problems/invalid-request");
  EXPECT_EQ(body["title"], "Invalid request");
  EXPECT_EQ(body["status"], 400);
  EXPECT_EQ(body["detail"], "Bad.");
  EXPECT_EQ(body["requestId"], "req-1");
  EXPECT_EQ(body["errors"][0]["field"], "phone");
  EXPECT_EQ(body["errors"][0]["message"], "is not a valid number");
}

TEST(ProblemResponse, InternalErrorsRevealNothing) {
  const auto response = ErrorResponse(Error::Internal("SQLITE_CORRUPT at page 7"), "r");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("SQLITE"), std::string::npos);
}

TEST(ProblemResponse, UnauthenticatedCarriesWwwAuthenticate) {
  const auto response = ErrorResponse(Error::Unauthenticated("no"), "r");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "WWW-Authenticate");
}

}  // namespace
}  // namespace fr::http
