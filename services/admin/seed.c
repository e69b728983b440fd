/* seed: writes the demo installation of seed_data.c (districts, rooms,
 * members, units, this month's rota, the demo users and a partner API key) in
 * one transaction. Idempotent: it never writes a district that exists, and it
 * never prints a stored key again (only its hash is kept). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "admin.h"
#include "crypto.h"
#include "lease.h"
#include "log.h"
#include "seed_data.h"
#include "timeutil.h"

#define SEED_MAIN "330303"

/* Runs a statement with text parameters, logging the failure. 0 or -1. */
static int s_run(db_t *db, const char *what, const char *sql, int n, const char *const *p)
{
    if (db_run(db, sql, n, p) == 0)
        return 0;
    log_error("seed statement failed", "what=%s error=\"%s\"", what, db_error(db));
    return -1;
}

static void s_num(char *buf, size_t sz, long long v)
{
    snprintf(buf, sz, "%lld", v);
}

/* ---- one district's reference data --------------------------------------------- */

static int s_named(db_t *db, const seed_district_t *d, const char *table,
                   const seed_named_t *rows, size_t n)
{
    char sql[160], id[24];
    snprintf(sql, sizeof sql, "INSERT INTO core.%s (district_code, id, name)"
                              " VALUES ($1, $2::bigint, $3)", table);
    for (size_t i = 0; i < n; i++) {
        s_num(id, sizeof id, rows[i].id);
        const char *p[] = {d->code, id, rows[i].name};
        if (s_run(db, table, sql, 3, p) != 0)
            return -1;
    }
    return 0;
}

static const seed_room_t *s_room_of(const seed_district_t *d, int member_id)
{
    for (size_t i = 0; i < d->nrooms; i++) {
        const seed_room_t *r = &d->rooms[i];
        if (member_id >= r->first_member && member_id < r->first_member + r->nmembers)
            return r;
    }
    return NULL;
}

static int s_members(db_t *db, const seed_district_t *d)
{
    for (size_t i = 0; i < d->nmembers; i++) {
        const seed_member_t *m = &d->members[i];
        const seed_room_t *room = s_room_of(d, m->id);
        char id[24], sector[24], group[24];
        s_num(id, sizeof id, m->id);
        s_num(sector, sizeof sector, m->sector_id);
        s_num(group, sizeof group, room ? room->liaison_group_id : 0);
        const char *p[] = {d->code, id, m->name, sector, m->party, m->committee,
                           room ? group : NULL};
        if (s_run(db, "members",
                  "INSERT INTO core.members (district_code, id, name, sector_id, party,"
                  " special_committee, liaison_group_id)"
                  " VALUES ($1, $2::bigint, $3, $4::bigint, $5, $6, $7::bigint)", 7, p) != 0)
            return -1;
    }
    return 0;
}

static int s_rooms(db_t *db, const seed_district_t *d)
{
    for (size_t i = 0; i < d->nrooms; i++) {
        const seed_room_t *r = &d->rooms[i];
        char id[24], head[24], member[24];
        s_num(id, sizeof id, r->id);
        s_num(head, sizeof head, r->first_member);
        const char *p[] = {d->code, id, r->name, r->kind, r->township, head};
        if (s_run(db, "workrooms",
                  "INSERT INTO core.workrooms (district_code, id, name, kind, township,"
                  " head_member_id) VALUES ($1, $2::bigint, $3, $4, $5, $6::bigint)", 6, p) != 0)
            return -1;
        for (int k = 0; k < r->nmembers; k++) {
            s_num(member, sizeof member, r->first_member + k);
            const char *q[] = {d->code, id, member};
            if (s_run(db, "workroom_members",
                      "INSERT INTO core.workroom_members (district_code, workroom_id, member_id)"
                      " VALUES ($1, $2::bigint, $3::bigint)", 3, q) != 0)
                return -1;
        }
    }
    return 0;
}

static int s_district(db_t *db, const seed_district_t *d)
{
    const char *p[] = {d->code, d->name};
    if (s_run(db, "districts", "INSERT INTO core.districts (district_code, name)"
                               " VALUES ($1, $2)", 2, p) != 0
        || s_named(db, d, "sectors", d->sectors, d->nsectors) != 0
        || s_named(db, d, "liaison_groups", d->groups, d->ngroups) != 0
        || s_members(db, d) != 0 || s_rooms(db, d) != 0)
        return -1;
    for (size_t i = 0; i < d->nunits; i++) {
        char id[24];
        s_num(id, sizeof id, d->units[i].id);
        const char *q[] = {d->code, id, d->units[i].name};
        if (s_run(db, "units", "INSERT INTO core.units (district_code, id, name)"
                               " VALUES ($1, $2::bigint, $3)", 3, q) != 0)
            return -1;
    }
    return 0;
}

/* ---- the rota ---------------------------------------------------------------------- */

/* Writes the month's rota of `d` unless that month already has one. Returns
 * the number of duties written (0 when present), or -1. */
static int s_rota(db_t *db, const seed_district_t *d, int year, int month)
{
    char first[16], date[16];
    snprintf(first, sizeof first, "%04d-%02d-01", year, month);
    snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, seed_reception_day(year, month));
    const char *p[] = {d->code, first};
    PGresult *r = db_exec(db, "SELECT 1 FROM intake.rota WHERE district_code = $1"
                              " AND duty_date >= $2::date"
                              " AND duty_date < $2::date + interval '1 month' LIMIT 1", 2, p);
    if (!r)
        return -1;
    int present = PQntuples(r) > 0;
    PQclear(r);
    int written = 0;
    for (size_t i = 0; !present && i < d->nrooms; i++) {
        int ids[8];
        int n = seed_rota_pick(&d->rooms[i], year, month, ids, 8);
        for (int k = 0; k < n; k++) {
            char room[24], member[24];
            s_num(room, sizeof room, d->rooms[i].id);
            s_num(member, sizeof member, ids[k]);
            const char *q[] = {d->code, room, date, member};
            if (s_run(db, "rota", "INSERT INTO intake.rota (district_code, workroom_id,"
                                  " duty_date, member_id) VALUES ($1, $2::bigint, $3::date,"
                                  " $4::bigint) ON CONFLICT DO NOTHING", 4, q) != 0)
                return -1;
            written++;
        }
    }
    return written;
}

/* ---- users -------------------------------------------------------------------------- */

typedef struct seed_user {
    const char *username, *role, *district, *display;
    int member_id, unit_id;
    int head;                       /* a unit's head account (core.unit_heads): signs replies */
} seed_user_t;

static const seed_user_t s_users[] = {
    {"admin", "admin", "", "系统管理员", 0, 0, 0},
    {"office", "office", "330303", "龙湾区政协办公室", 0, 0, 0},
    {"leader", "leader", "330303", "龙湾区政协分管领导", 0, 0, 0},
    {"unit1", "unit", "330303", "区住房和城乡建设局联络员", 0, 1, 0},
    {"unit1head", "unit", "330303", "区住房和城乡建设局负责人", 0, 1, 1},
    {"unit2", "unit", "330303", "区交通运输局联络员", 0, 2, 0},
    {"unit2head", "unit", "330303", "区交通运输局负责人", 0, 2, 1},
    {"unit3", "unit", "330303", "区教育局联络员", 0, 3, 0},
    {"unit3head", "unit", "330303", "区教育局负责人", 0, 3, 1},
    {"partner1", "partner", "330303", "区纪委监委（接口）", 0, 0, 0},
    {"office2", "office", "330304", "瓯海区政协办公室", 0, 0, 0},
};

static int s_user(db_t *db, const char *hash, const seed_user_t *u, long long *id)
{
    char member[24] = "", unit[24] = "";
    if (u->member_id)
        s_num(member, sizeof member, u->member_id);
    if (u->unit_id)
        s_num(unit, sizeof unit, u->unit_id);
    long long uid = 0;
    char user[24];
    if (users_insert(db, u->district, u->username, hash, u->role, u->display, member, unit,
                     &uid) == 0) {
        const char *q[3] = {u->district, unit, user};
        s_num(user, sizeof user, uid);
        if (id)
            *id = uid;
        if (!u->head)
            return 0;
        return s_run(db, "unit_heads", "INSERT INTO core.unit_heads VALUES ($1, $2::bigint,"
                                       " $3::bigint)", 3, q);
    }
    log_error("seed user failed", "user=%s error=\"%s\"", u->username, db_error(db));
    return -1;
}

/* Creates every demo user with the one hash, and partner1's key into `key`. */
static int s_users_all(db_t *db, const seed_district_t *main, char key[65])
{
    char hash[160];
    if (crypto_password_hash(SEED_PASSWORD, 0, hash, sizeof hash) != 0) {
        log_error("password hashing failed");
        return -1;
    }
    for (size_t i = 0; i < sizeof s_users / sizeof s_users[0]; i++) {
        long long id = 0;
        if (s_user(db, hash, &s_users[i], &id) != 0)
            return -1;
        if (strcmp(s_users[i].username, "partner1") == 0
            && users_new_key(db, s_users[i].district, id, "demo", key) != 0) {
            log_error("seed api key failed", "error=\"%s\"", db_error(db));
            return -1;
        }
        /* partner1 speaks for the district's 纪委监委 (supervise.partner_accounts) */
        char uid[24];
        const char *q[2] = {s_users[i].district, uid};
        s_num(uid, sizeof uid, id);
        if (strcmp(s_users[i].username, "partner1") == 0
            && s_run(db, "partner_accounts", "INSERT INTO supervise.partner_accounts VALUES"
                     " ($1, $2::bigint, 'discipline') ON CONFLICT DO NOTHING", 2, q) != 0)
            return -1;
    }
    for (size_t i = 0; i < main->nmembers; i++) {
        char name[24];
        snprintf(name, sizeof name, "member%d", main->members[i].id);
        seed_user_t u = {name, "member", main->code, main->members[i].name,
                         main->members[i].id, 0, 0};
        if (s_user(db, hash, &u, NULL) != 0)
            return -1;
    }
    return 0;
}

/* ---- the command ------------------------------------------------------------------------ */

static void s_print_logins(const seed_district_t *main, const char *key)
{
    printf("demo logins (password: %s)\n", SEED_PASSWORD);
    printf("  %-12s %-8s %-9s %s\n", "username", "role", "district", "who");
    printf("  %-12s %-8s %-9s %s\n", "admin", "admin", "(all)", "系统管理员");
    printf("  %-12s %-8s %-9s %s\n", "office", "office", "330303", "龙湾区政协办公室");
    printf("  %-12s %-8s %-9s %s\n", "leader", "leader", "330303", "龙湾区政协分管领导");
    printf("  %-12s %-8s %-9s member_id 1..%zu (member1 = %s)\n", "member1..40", "member",
           "330303", main->nmembers, main->members[0].name);
    printf("  %-12s %-8s %-9s unit_id 1 (区住房和城乡建设局)\n", "unit1", "unit", "330303");
    printf("  %-12s %-8s %-9s unit_id 1..3, the units' heads (sign proposal replies)\n",
           "unit1head..3", "unit", "330303");
    printf("  %-12s %-8s %-9s unit_id 2, 3 (交通运输局, 教育局)\n", "unit2, unit3", "unit",
           "330303");
    printf("  %-12s %-8s %-9s API key below\n", "partner1", "partner", "330303");
    printf("  %-12s %-8s %-9s 瓯海区政协办公室\n", "office2", "office", "330304");
    if (*key)
        printf("partner1 api key: %s\n", key);
    else
        printf("partner1 api key: (issued at the first seed and shown only then)\n");
}

/* Inside the open transaction: creates what is missing, counts rota duties. */
static int s_fill(db_t *db, int year, int month, int *created, int *duties, char key[65])
{
    size_t nd;
    const seed_district_t *d = seed_districts(&nd);
    const char *p[] = {SEED_MAIN};
    PGresult *r = db_exec(db, "SELECT 1 FROM core.districts WHERE district_code = $1", 1, p);
    if (!r)
        return -1;
    *created = PQntuples(r) == 0;
    PQclear(r);
    for (size_t i = 0; *created && i < nd; i++)
        if (s_district(db, &d[i]) != 0)
            return -1;
    if (*created && s_users_all(db, &d[0], key) != 0)
        return -1;
    for (size_t i = 0; i < nd; i++) {
        int n = s_rota(db, &d[i], year, month);
        if (n < 0)
            return -1;
        *duties += n;
    }
    return 0;
}

int seed_demo(db_t *db)
{
    int year, month, created = 0, duties = 0;
    char key[65] = "", lock[24];
    size_t nd;
    const seed_district_t *d = seed_districts(&nd);
    char now[40];
    int64_t now_us = time_now_us();               /* business time: the rota of "this month" */
    seed_month_of((long long) (now_us / 1000000), &year, &month);
    time_format(now_us, now, sizeof now);
    snprintf(lock, sizeof lock, "%lld", lease_key("lianxin/seed"));
    const char *p[] = {lock, now};
    if (db_run(db, "BEGIN", 0, NULL) != 0
        || db_run(db, "SELECT pg_advisory_xact_lock($1::bigint), set_config('lianxin.now', $2,"
                      " true)", 2, p) != 0
        || s_fill(db, year, month, &created, &duties, key) != 0
        || db_run(db, "COMMIT", 0, NULL) != 0) {
        log_error("seed failed, nothing written", "error=\"%s\"", db_error(db));
        db_run(db, "ROLLBACK", 0, NULL);
        memset(key, 0, sizeof key);
        return ADMIN_ERROR;
    }
    printf(created ? "demo data created: 330303 龙湾区, 330304 瓯海区\n"
                   : "demo data already present: nothing to create\n");
    printf("rota %04d-%02d: reception day %04d-%02d-%02d, %d duties written%s\n", year, month,
           year, month, seed_reception_day(year, month), duties,
           duties ? "" : " (already there)");
    s_print_logins(&d[0], key);
    memset(key, 0, sizeof key);
    return ADMIN_OK;
}
