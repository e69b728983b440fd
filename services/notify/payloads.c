/* payloads: see payloads.h. Descriptors only; nothing here runs. */
#include "payloads.h"
#include "assess.pb-c.h"
#include "calendar.pb-c.h"
#include "consult.pb-c.h"
#include "grading.pb-c.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "supervise.pb-c.h"

const ProtobufCMessageDescriptor *const notify_payloads[] = {
    &lianxin__v1__duty_upcoming__descriptor, &lianxin__v1__rota_changed__descriptor,
    &lianxin__v1__report_changed__descriptor, &lianxin__v1__issue_routed__descriptor,
    &lianxin__v1__calendar_missing__descriptor, &lianxin__v1__proposal_changed__descriptor,
    &lianxin__v1__consultation_changed__descriptor, &lianxin__v1__outcome_assigned__descriptor,
    &lianxin__v1__item_changed__descriptor, &lianxin__v1__referral_changed__descriptor,
    &lianxin__v1__member_flagged__descriptor,
};

const size_t notify_npayloads = sizeof notify_payloads / sizeof notify_payloads[0];
