/* routes: the tables joined. The gateway's own rows come first, then each
 * service's table in the order of s_tables, then the static console, which
 * is last and only ever answers GET. Roles per api.md: nobody but a signed-in
 * caller reaches a service's route, and no route is public unless listed so
 * here (health, metrics, login, the console's files). */

#include "api/core.h"
#include "api/intake.h"
#include "api/notify.h"
#include "api/notify_office.h"
#include "api/proposal.h"
#include "api/supervise.h"
#include "api/consult.h"
#include "api/assess.h"
#include "api/users.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "http/ops.h"
#include "http/static.h"
#include "routes.h"
#include "users.pb-c.h"

#define LOGIN_BODY_LIMIT 4096
#define PASSWORD_BODY_LIMIT 16384   /* two passwords at the limit, \u-escaped */

static const gw_route_t s_gateway_rows[] = {
    {.at = {.method = "GET", .pattern = "/healthz"}, .handler = ops_healthz},
    {.at = {.method = "GET", .pattern = "/metrics"}, .handler = ops_metrics},
    {.at = {.method = "POST", .pattern = "/v1/sessions"}, .body_limit = LOGIN_BODY_LIMIT,
     .handler = sessions_create},
    {.at = {.method = "DELETE", .pattern = "/v1/sessions"}, .roles = ROLES_ANY,
     .handler = sessions_delete, .expired_ok = 1},
    {.at = {.method = "GET", .pattern = "/v1/me"}, .roles = ROLES_ANY, .handler = sessions_me,
     .expired_ok = 1},
    {.at = {.method = "POST", .pattern = "/v1/me/password"}, .roles = ROLES_ANY,
     .body_limit = PASSWORD_BODY_LIMIT, .handler = password_change, .expired_ok = 1,
     .request = &lianxin__v1__change_password__descriptor,
     .required = password_change_required},
};

static const gw_route_t s_console_rows[] = {
    {.at = {.method = "GET", .pattern = "/*"}, .handler = static_serve},
};

static const gw_routes_t s_gateway = GW_ROUTES(s_gateway_rows);
static const gw_routes_t s_console = GW_ROUTES(s_console_rows);

/* One line per service; the console stays last. */
static const gw_routes_t *const s_tables[] = {
    &s_gateway, &api_intake_routes, &api_notify_routes, &api_notify_office_routes,
    &api_proposal_routes, &api_consult_routes,
    &api_assess_routes, &api_supervise_routes, &api_core_routes,
    &api_users_routes, &s_console,
};

#define S_NTABLES (sizeof s_tables / sizeof s_tables[0])

const gw_route_t *routes_find(const char *method, const char *path, router_params_t *params,
                              int *status, char *allow, size_t allowsz)
{
    router_table_t t[S_NTABLES];
    size_t table;
    for (size_t i = 0; i < S_NTABLES; i++)
        t[i] = (router_table_t) {.entries = s_tables[i]->rows, .n = s_tables[i]->n,
                                 .stride = sizeof(gw_route_t)};
    int i = router_find_in(t, S_NTABLES, method, path, params, &table, status, allow, allowsz);
    return i < 0 ? NULL : &s_tables[table]->rows[i];
}

size_t routes_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < S_NTABLES; i++)
        n += s_tables[i]->n;
    return n;
}

const gw_route_t *routes_at(size_t i)
{
    for (size_t t = 0; t < S_NTABLES; t++) {
        if (i < s_tables[t]->n)
            return &s_tables[t]->rows[i];
        i -= s_tables[t]->n;
    }
    return NULL;
}
