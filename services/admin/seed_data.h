/* seed_data: the demo installation as data (two districts of Wenzhou, their
 * rooms, members, units) and the pure rules that derive the month's rota from
 * it. No I/O here; seed.c writes it. Fictional people only: the names are
 * common ones, and no member stands for a real person. */
#ifndef LIANXIN_SEED_DATA_H
#define LIANXIN_SEED_DATA_H

#include <stddef.h>

typedef struct seed_member {
    int id;
    const char *name;
    int sector_id;
    const char *party;              /* "" when none is recorded */
    const char *committee;          /* special committee, may be "" */
} seed_member_t;

/* A room's members are the ids first_member .. first_member + nmembers - 1;
 * the first is its head. Rooms of one district never share a member. */
typedef struct seed_room {
    int id;
    const char *name;
    const char *kind;               /* workroom, council_hall */
    const char *township;
    int first_member;
    int nmembers;
    int liaison_group_id;
} seed_room_t;

typedef struct seed_named {
    int id;
    const char *name;
} seed_named_t;

typedef struct seed_district {
    const char *code;
    const char *name;
    const seed_named_t *sectors;    size_t nsectors;
    const seed_named_t *groups;     size_t ngroups;
    const seed_member_t *members;   size_t nmembers;
    const seed_room_t *rooms;       size_t nrooms;
    const seed_named_t *units;      size_t nunits;
} seed_district_t;

/* The demo districts: 330303 龙湾区 first, then 330304 瓯海区. */
const seed_district_t *seed_districts(size_t *n);

/* The password every demo user gets. */
#define SEED_PASSWORD "lianxin-demo"

/* Day of the week of a date: 0 = Sunday ... 6 = Saturday. */
int seed_weekday(int year, int month, int day);

/* The month's reception day: the 25th, or the Monday after when the 25th falls
 * on a weekend (holidays are not known here). */
int seed_reception_day(int year, int month);

/* The members on duty for `room` in that month: 3 for rooms of five or more
 * members, else 2, rotating through the room's members month by month.
 * Writes up to `max` member ids into `out`; returns how many. */
int seed_rota_pick(const seed_room_t *room, int year, int month, int *out, int max);

/* The current year and month in UTC+8 at `now` (seconds since the epoch). */
void seed_month_of(long long now, int *year, int *month);

#endif
