/* assess_fsm: a member's line of an office meeting as two common/fsm
 * machines: attendance (签到, the office's correction) and the leave
 * request (请假). Data only; the handlers in assess_meetings.c and
 * assess_checkin.c perform the steps. The close of a meeting (its end) sets
 * the lines still invited to absent, or to leave when leave was approved.
 *
 *   attendance: invited --checkin--> present   (the member, in the window)
 *               any     --correct--> (the status the office gives)
 *   leave:      none, refused --ask--> asked   (the member)
 *               asked --approve--> approved, --refuse--> refused (the office) */
#ifndef LIANXIN_ASSESS_FSM_H
#define LIANXIN_ASSESS_FSM_H

#include "fsm.h"
#include "roles.h"

typedef enum { ATT_INVITED = 0, ATT_PRESENT, ATT_ABSENT, ATT_LEAVE, ATT_STATE_COUNT } att_state_t;
typedef enum { ATT_EV_CHECKIN = 0, ATT_EV_CORRECT, ATT_EVENT_COUNT } att_event_t;

typedef enum { LEAVE_NONE = 0, LEAVE_ASKED, LEAVE_APPROVED, LEAVE_REFUSED, LEAVE_STATE_COUNT } leave_state_t;
typedef enum { LEAVE_EV_ASK = 0, LEAVE_EV_APPROVE, LEAVE_EV_REFUSE, LEAVE_EVENT_COUNT } leave_event_t;

#define ASSESS_OFFICE (ROLE_OFFICE | ROLE_ADMIN)

extern const fsm_t assess_attendance_fsm;
extern const fsm_t assess_leave_fsm;

#endif
