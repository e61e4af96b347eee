#pragma once

// The one place the adapter includes sofia-sip. The *_MAGIC_T macros must be defined before the
// first sofia header so that callbacks get our types instead of void pointers.

namespace fr::sip {
class SofiaLoop;
struct Leg;
}  // namespace fr::sip

#define SU_ROOT_MAGIC_T fr::sip::SofiaLoop
#define SU_WAKEUP_ARG_T fr::sip::SofiaLoop
#define SU_TIMER_ARG_T fr::sip::SofiaLoop
#define NUA_MAGIC_T fr::sip::SofiaLoop
#define NUA_HMAGIC_T fr::sip::Leg

// sofia's C headers are not written for -Wpedantic C++ (anonymous bit-fields, old-style casts).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/sip_hclasses.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>
#pragma GCC diagnostic pop
