#include "identity/login.hpp"

#include <gtest/gtest.h>

namespace fr {
namespace {

std::string FieldMessage(const Status& status) {
  if (status.ok() || status.error().field_errors.empty()) return "";
  return status.error().field_errors.front().message;
}

TEST(ValidateNewPassword, NeedsTwelveCharactersCountedAsCodePoints) {
  EXPECT_FALSE(ValidateNewPassword("").ok());
  EXPECT_FALSE(ValidateNewPassword("kx7-Tq9#mLp").ok());  // 11
  EXPECT_TRUE(ValidateNewPassword("kx7-Tq9#mLpz").ok());  // 12
  // Twelve characters in 24 bytes pass; eleven in 22 bytes do not.
  EXPECT_TRUE(ValidateNewPassword("ääääääääääää").ok());
  EXPECT_FALSE(ValidateNewPassword("äääääääääää").ok());
  EXPECT_NE(FieldMessage(ValidateNewPassword("short")).find("at least 12"), std::string::npos);
}

TEST(ValidateNewPassword, RefusesCommonPasswordsInAnyCase) {
  for (const char* common : {"password1234", "PASSWORD1234", "Password1234", "123456789012",
                             "qwertyuiop123", "correcthorsebatterystaple", "Passwort123!"}) {
    const Status status = ValidateNewPassword(common);
    ASSERT_FALSE(status.ok()) << common;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(status.error().field_errors.at(0).field, "password");
    EXPECT_NE(FieldMessage(status).find("too common"), std::string::npos) << common;
  }
  EXPECT_TRUE(IsCommonPassword("Hotline12345"));
  EXPECT_FALSE(IsCommonPassword("hotline12345 but longer"));
  // The list's comment lines are not passwords.
  EXPECT_FALSE(IsCommonPassword("# Common passwords of at least 12 characters, refused as new "
                                "passwords (decision 0052)."));
}

TEST(ValidateNewPassword, BoundsLengthAndEncoding) {
  EXPECT_TRUE(ValidateNewPassword(std::string(kMaxPasswordBytes, 'k')).ok());
  EXPECT_FALSE(ValidateNewPassword(std::string(kMaxPasswordBytes + 1, 'k')).ok());
  EXPECT_FALSE(ValidateNewPassword("valid start \xFF\xFE and more").ok());
  // Spaces are fine: a passphrase of words is what the rules encourage.
  EXPECT_TRUE(ValidateNewPassword("purple tractor sings softly").ok());
  EXPECT_EQ(ValidateNewPassword("short", "newPassword").error().field_errors.at(0).field,
            "newPassword");
}

TEST(ValidateEmail, AcceptsAddressesAndRefusesTheRest) {
  for (const char* good : {"ada@example.org", "Ada.Lovelace+hotline@relief.example.de",
                           "jürgen@beispiel.de"}) {
    EXPECT_TRUE(ValidateEmail(good).ok()) << good;
  }
  for (const char* bad : {"", "ada", "@example.org", "ada@", "ada@example", "ada@@example.org",
                          "a@b@example.org", "ada @example.org", "ada@example.org.",
                          "ada@.example.org", "ada\t@example.org"}) {
    const Status status = ValidateEmail(bad);
    EXPECT_FALSE(status.ok()) << bad;
    if (!status.ok()) {
      EXPECT_EQ(status.error().field_errors.at(0).field, "email");
    }
  }
  EXPECT_FALSE(ValidateEmail(std::string(250, 'a') + "@example.org").ok());
}

TEST(EmailKey, FoldsAsciiLettersOnly) {
  EXPECT_EQ(EmailKey("Ada@Example.ORG"), "ada@example.org");
  EXPECT_EQ(EmailKey("  ada@example.org "), "ada@example.org");
  EXPECT_EQ(EmailKey("JÜRGEN@example.org"), "jÜrgen@example.org");
}

}  // namespace
}  // namespace fr
