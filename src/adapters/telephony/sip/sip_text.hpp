#pragma once

#include <optional>
#include <string>
#include <string_view>

// Text that goes into SIP headers we build. Values reach us from configuration and the database
// (hotline names, numbers): they must never be able to add or break a header.
namespace fr::sip {

// True for a non-empty user part made of unreserved characters and the user-unreserved set
// that numbers use (RFC 3261 25.1), no escapes: [A-Za-z0-9] and +-._!~*'()&=$,
bool IsValidSipUser(std::string_view user);

// A quoted-string display name: `"` and `\` escaped, control characters (CR, LF…) dropped.
std::string QuoteDisplayName(std::string_view name);

// A reason phrase safe for a status line: control characters dropped; `fallback` if empty.
std::string SafeReasonPhrase(std::string_view phrase, std::string_view fallback);

// The key in the body of a SIP INFO: `application/dtmf-relay` ("Signal=1\r\nDuration=160")
// or `application/dtmf` ("1"). nullopt for other content types or anything but one key
// (0-9, *, #, A-D; lower-case a-d too).
std::optional<char> DtmfKeyOfInfo(std::string_view content_type, std::string_view body);

// The user part of a SIP, SIPS or tel URI, bare or in a name-addr with a display name
// ("\"Line\" <sip:+4930123@host;user=phone>" → "+4930123", "<tel:+4930123;phone-context=x>" →
// "+4930123"); still %-escaped. Empty when there is none.
std::string UserOfAddress(std::string_view address);

// A host for a SIP URI: IPv6 literals get their brackets.
std::string UriHost(std::string_view host);

}  // namespace fr::sip
