/* announce: the office's announcements (通知公告). notify.SendAnnouncement
 * resolves the recipients once from core (every active member, a sector's
 * or liaison group's members, every unit) or takes the member ids the
 * office lists (those of the district only), keeps them in
 * notify.announcements, writes the inbox items (object ("announcement",
 * id), source_producer "announce:<id>", one item per 256 recipients) and
 * records the e-mail and SMS deliveries per contacts and preferences
 * (deliveries.h), audited. notify.RemindAnnouncement sends one reminder
 * (items of kind announcement.reminder) to the recipients who have read no
 * item of it, once per call, audited. Who has read: notify.reads of its
 * items. Never logs titles, bodies or addresses. */
#ifndef LIANXIN_NOTIFY_ANNOUNCE_H
#define LIANXIN_NOTIFY_ANNOUNCE_H

#include "cmd.h"

#define ANNOUNCE_TITLE_MAX 40       /* code points */
#define ANNOUNCE_BODY_MAX 2000      /* code points */
#define ANNOUNCE_LIST_MAX 256       /* member ids the office may list */
#define ANNOUNCE_RECIPIENTS_MAX 5000
#define ANNOUNCE_CHUNK 256          /* recipients per inbox item */
#define ANNOUNCE_REMINDERS_MAX 50

/* Pure: the request's own checks (title, body, audience, group_id,
 * member_ids), each fault a field error. 0 or -1 (res set: 400). */
int announce_check(const char *title, const char *body, const char *audience, int64_t group_id,
                   const int64_t *ids, size_t nids, cmd_result_t *res);

/* notify.SendAnnouncement (office, admin): 200 AnnouncementRef; 422
 * no_recipients when the group is empty, too_many_recipients past
 * ANNOUNCE_RECIPIENTS_MAX. */
int announce_send_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int announce_send_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* notify.RemindAnnouncement (office, admin; object_id the announcement):
 * 200 AnnouncementRef (reminded: how many); 404; 409 all_read when every
 * recipient has read it; 409 too_many_reminders past ANNOUNCE_REMINDERS_MAX. */
int announce_remind_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int announce_remind_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
