/* consult_rules: see consult_rules.h. Pure. */
#include <string.h>
#include "consult_rules.h"

const char *const consult_forms[] = {"meeting", "communication", "dialogue", "written",
                                     "online", NULL};
const char *const consult_series[] = {"", "qingni", "minsheng", "micro", NULL};
const char *const consult_roles[] = {"member", "expert", "department", "social_org", "cadre",
                                     "public_rep", "topic_group", "leader", NULL};
const char *const consult_topic_kinds[] = {"policy", "public_affairs", "difficulty",
                                           "party_request", NULL};
const char *const consult_refuse_kinds[] = {"against_law", "higher_mandate", "unfair", NULL};
const char *const consult_proposer_kinds[] = {"member", "workroom", "unit", "party_committee",
                                              NULL};
const char *const consult_attendance[] = {"present", "absent", "leave", NULL};

int consult_in(const char *v, const char *const *set)
{
    for (size_t i = 0; v && set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

int consult_outcome_dues(calendar_day_t assigned, calendar_day_t *answer, calendar_day_t *close)
{
    if (calendar_add_months(assigned, CONSULT_ANSWER_MONTHS, answer) != 0
        || calendar_add_months(assigned, CONSULT_CLOSE_MONTHS, close) != 0)
        return -1;
    return 0;
}

int consult_research_done(int meeting, int tasks_total, int tasks_open)
{
    if (tasks_open > 0)
        return 0;
    return !meeting || tasks_total > 0;
}
