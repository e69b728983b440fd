/* groups: the dispatched supervision groups (派驻监督小组) attached to a
 * unit, the recommendation letters (监督建议书) a group issues to its unit (a
 * tracked item: the rectification plan is owed by its due date) and the
 * unit's plan (整改), whose dated milestones become tracked items on the
 * ladder. The groups' activities are activities.c. */
#ifndef LIANXIN_SUPERVISE_GROUPS_H
#define LIANXIN_SUPERVISE_GROUPS_H

#include "cmd.h"

#define GROUP_MEMBERS_MAX 64
#define GROUP_TEXT_MAX 8000
#define GROUP_TITLE_MAX 600
#define PLAN_MILESTONES_MAX 20

int groups_create_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_letter_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_letter_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_plan_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_plan_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* A required text `v` of at most `max` bytes: 0, or -1 with the field's
 * error (required, too_long). */
int groups_text_check(const char *v, const char *field, size_t max, cmd_result_t *res);

/* Answers `status` with a SupervisionRef (id, state, the items made). 0 or -1. */
int groups_reply(cmd_result_t *res, int status, int64_t id, const char *state, int64_t *items,
                 size_t n);

/* 1 when `v` is one of the NULL-terminated `set`. */
int groups_in(const char *v, const char *const *set);

#endif
