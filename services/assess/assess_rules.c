/* assess_rules: see assess_rules.h. Pure: parsing a rules document and
 * counting acts; never does I/O and never reads the clock. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "assess_rules.h"

const char *const assess_rules_default_json =
    "{\"five\":["
    "{\"key\":\"meeting\",\"label\":\"参加一次会议\",\"min\":1,"
    " \"kinds\":[\"plenary\",\"standing\",\"consultation\",\"group_activity\"]},"
    "{\"key\":\"proposal\",\"label\":\"提交一件提案\",\"min\":1,"
    " \"kinds\":[\"proposal_lead\",\"proposal_joint\"]},"
    "{\"key\":\"inspection\",\"label\":\"参加一次视察调研\",\"min\":1,"
    " \"kinds\":[\"inspection\",\"research\",\"supervision\"]},"
    "{\"key\":\"report\",\"label\":\"报送一篇社情民意信息\",\"min\":1,\"kinds\":[\"report\"]},"
    "{\"key\":\"deed\",\"label\":\"办一件实事\",\"min\":1,\"kinds\":[\"deed\"]}],"
    "\"six\":["
    "{\"key\":\"report\",\"label\":\"每月至少报送一篇社情民意信息\",\"min\":1,\"periods\":12,"
    " \"kinds\":[\"report\"]},"
    "{\"key\":\"suggestion\",\"label\":\"每季度至少提出一条意见建议\",\"min\":1,\"periods\":4,"
    " \"kinds\":[\"suggestion\"]},"
    "{\"key\":\"group_activity\",\"label\":\"每季度至少开展一次小组活动\",\"min\":1,\"periods\":4,"
    " \"kinds\":[\"group_activity\"]},"
    "{\"key\":\"inspection\",\"label\":\"每季度至少开展一次视察\",\"min\":1,\"periods\":4,"
    " \"kinds\":[\"inspection\",\"supervision\"]},"
    "{\"key\":\"research_report\",\"label\":\"每半年至少形成一篇调研报告\",\"min\":1,\"periods\":2,"
    " \"kinds\":[\"research_report\"]},"
    "{\"key\":\"practical_project\",\"label\":\"每年至少办一件实事\",\"min\":1,\"periods\":1,"
    " \"kinds\":[\"deed\",\"practical_project\"]}],"
    "\"points\":{\"plenary\":3,\"standing\":2,\"consultation\":2,\"inspection\":2,"
    " \"research\":2,\"supervision\":2,\"training\":1,\"group_activity\":1,\"deed\":3,"
    " \"proposal_lead\":5,\"proposal_joint\":2,\"report\":2,\"report_adopted\":5,"
    " \"duty\":1,\"visit\":1,\"research_report\":3},"
    "\"absence\":{\"plenary\":2,\"activity\":3,\"plenary_kinds\":[\"plenary\"],"
    " \"activity_kinds\":[\"standing\",\"consultation\",\"inspection\",\"research\","
    "  \"supervision\",\"training\",\"group_activity\",\"deed\",\"duty\"]}}";

/* ---- parsing ------------------------------------------------------------------------ */

static int s_err(char *err, size_t errsz, const char *what)
{
    snprintf(err, errsz, "%s", what);
    return -1;
}

static int s_kinds(json_t *arr, char kinds[][ASSESS_KIND_MAX], int *n)
{
    size_t i;
    json_t *v;
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > ASSESS_KINDS_MAX)
        return -1;
    *n = 0;
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (!s || !*s || strlen(s) >= ASSESS_KIND_MAX)
            return -1;
        snprintf(kinds[(*n)++], ASSESS_KIND_MAX, "%s", s);
    }
    return 0;
}

static int s_need(json_t *o, assess_need_t *nd, int periodic)
{
    const char *key = json_string_value(json_object_get(o, "key"));
    const char *label = json_string_value(json_object_get(o, "label"));
    json_t *min = json_object_get(o, "min"), *per = json_object_get(o, "periods");
    if (!key || !*key || strlen(key) >= sizeof nd->key || !label || strlen(label) >= sizeof nd->label)
        return -1;
    if (!json_is_integer(min) || json_integer_value(min) < 1 || json_integer_value(min) > 1000)
        return -1;
    nd->periods = 1;
    if (periodic) {
        json_int_t p = json_integer_value(per);
        if (p != 1 && p != 2 && p != 4 && p != 12)
            return -1;
        nd->periods = (int) p;
    }
    snprintf(nd->key, sizeof nd->key, "%s", key);
    snprintf(nd->label, sizeof nd->label, "%s", label);
    nd->min = (int) json_integer_value(min);
    return s_kinds(json_object_get(o, "kinds"), nd->kinds, &nd->nkinds);
}

static int s_needs(json_t *arr, assess_need_t *needs, int *n, int periodic)
{
    size_t i;
    json_t *v;
    if (!json_is_array(arr) || json_array_size(arr) > ASSESS_NEEDS_MAX)
        return -1;
    *n = 0;
    json_array_foreach(arr, i, v) {
        if (s_need(v, &needs[*n], periodic) != 0)
            return -1;
        (*n)++;
    }
    return 0;
}

static int s_points(json_t *o, assess_rules_t *r)
{
    const char *k;
    json_t *v;
    if (!json_is_object(o) || json_object_size(o) > ASSESS_POINTS_MAX)
        return -1;
    r->npoints = 0;
    json_object_foreach(o, k, v) {
        if (strlen(k) >= ASSESS_KIND_MAX || !json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) > 1000)
            return -1;
        snprintf(r->points[r->npoints].kind, ASSESS_KIND_MAX, "%s", k);
        r->points[r->npoints++].points = (int) json_integer_value(v);
    }
    return 0;
}

static int s_absence(json_t *o, assess_rules_t *r)
{
    json_t *p = json_object_get(o, "plenary"), *a = json_object_get(o, "activity");
    if (!json_is_integer(p) || !json_is_integer(a) || json_integer_value(p) < 1
        || json_integer_value(a) < 1 || json_integer_value(p) > 100 || json_integer_value(a) > 100)
        return -1;
    r->plenary_absences = (int) json_integer_value(p);
    r->activity_absences = (int) json_integer_value(a);
    if (s_kinds(json_object_get(o, "plenary_kinds"), r->plenary_kinds, &r->nplenary) != 0)
        return -1;
    return s_kinds(json_object_get(o, "activity_kinds"), r->activity_kinds, &r->nactivity);
}

int assess_rules_parse(const char *json, assess_rules_t *out, char *err, size_t errsz)
{
    json_error_t je;
    json_t *root = json_loads(json ? json : "", JSON_REJECT_DUPLICATES, &je);
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!json_is_object(root))
        rc = s_err(err, errsz, "rules: not a JSON object");
    else if (s_needs(json_object_get(root, "five"), out->five, &out->nfive, 0) != 0)
        rc = s_err(err, errsz, "five: invalid");
    else if (s_needs(json_object_get(root, "six"), out->six, &out->nsix, 1) != 0)
        rc = s_err(err, errsz, "six: invalid");
    else if (s_points(json_object_get(root, "points"), out) != 0)
        rc = s_err(err, errsz, "points: invalid");
    else if (s_absence(json_object_get(root, "absence"), out) != 0)
        rc = s_err(err, errsz, "absence: invalid");
    else
        rc = 0;
    json_decref(root);
    return rc;
}

void assess_rules_default(assess_rules_t *out)
{
    char err[64];
    (void) assess_rules_parse(assess_rules_default_json, out, err, sizeof err);
}

/* ---- counting ----------------------------------------------------------------------- */

int assess_act_counts(const assess_act_t *a)
{
    return strcmp(a->status, "done") == 0 || strcmp(a->status, "present") == 0;
}

int assess_year_of(calendar_day_t day)
{
    int y, m, d;
    calendar_day_to_ymd(day, &y, &m, &d);
    return y;
}

int assess_period_of(calendar_day_t day, int periods)
{
    int y, m, d;
    calendar_day_to_ymd(day, &y, &m, &d);
    return (m - 1) / (12 / (periods > 0 ? periods : 1));
}

static int s_in(const char kinds[][ASSESS_KIND_MAX], int n, const char *kind)
{
    for (int i = 0; i < n; i++)
        if (strcmp(kinds[i], kind) == 0)
            return 1;
    return 0;
}

int assess_five_ones(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year,
                     assess_five_t *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (assess_year_of(acts[i].day) != year || !assess_act_counts(&acts[i]))
            continue;
        for (int k = 0; k < r->nfive; k++)
            if (s_in(r->five[k].kinds, r->five[k].nkinds, acts[i].kind))
                out->count[k]++;
    }
    for (int k = 0; k < r->nfive; k++)
        if (out->count[k] < r->five[k].min)
            out->missing++;
    return out->missing;
}

int assess_points(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year)
{
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        if (assess_year_of(acts[i].day) != year || !assess_act_counts(&acts[i]))
            continue;
        for (int k = 0; k < r->npoints; k++)
            if (strcmp(r->points[k].kind, acts[i].kind) == 0)
                total += r->points[k].points;
    }
    return total;
}

int assess_absences(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year,
                    int *plenary, int *activity)
{
    *plenary = *activity = 0;
    for (size_t i = 0; i < n; i++) {
        if (assess_year_of(acts[i].day) != year || strcmp(acts[i].status, "absent") != 0)
            continue;
        if (s_in(r->plenary_kinds, r->nplenary, acts[i].kind))
            (*plenary)++;
        else if (s_in(r->activity_kinds, r->nactivity, acts[i].kind))
            (*activity)++;
    }
    return *plenary >= r->plenary_absences || *activity >= r->activity_absences;
}

/* The first day after period `p` of `year` for a need of `periods`. */
static calendar_day_t s_period_end(int year, int p, int periods)
{
    calendar_day_t d = 0;
    int month = (p + 1) * (12 / periods) + 1;
    if (month > 12)
        (void) calendar_day_from_ymd(year + 1, 1, 1, &d);
    else
        (void) calendar_day_from_ymd(year, month, 1, &d);
    return d;
}

int assess_six(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year,
               calendar_day_t today, assess_six_t *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (assess_year_of(acts[i].day) != year || !assess_act_counts(&acts[i]))
            continue;
        for (int k = 0; k < r->nsix; k++)
            if (s_in(r->six[k].kinds, r->six[k].nkinds, acts[i].kind))
                out->count[k][assess_period_of(acts[i].day, r->six[k].periods)]++;
    }
    for (int k = 0; k < r->nsix; k++)
        for (int p = 0; p < r->six[k].periods; p++) {
            if (out->count[k][p] >= r->six[k].min)
                out->verdict[k][p] = ASSESS_MET;
            else if (today >= s_period_end(year, p, r->six[k].periods)) {
                out->verdict[k][p] = ASSESS_MISSED;
                out->missed++;
            }
        }
    return out->missed;
}
