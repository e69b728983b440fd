/* seed_data: the demo installation as data and the rota rule over it. Pure:
 * no I/O, no clock (the caller passes the time). Never holds real people's
 * data: the members are invented, only the place names are real. */
#include <time.h>
#include "seed_data.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- 330303 龙湾区 ------------------------------------------------------------ */

static const seed_named_t s_lw_sectors[] = {
    {1, "经济界"}, {2, "法律界"}, {3, "医药卫生界"}, {4, "教育界"},
    {5, "科技界"}, {6, "农业界"}, {7, "文化艺术界"}, {8, "社会福利和社会保障界"},
};

static const seed_named_t s_lw_groups[] = {
    {1, "永中·海滨联络组"}, {2, "状元·瑶溪联络组"},
    {3, "蒲州·星海联络组"}, {4, "沙城·民生联络组"},
};

static const seed_member_t s_lw_members[] = {
    {1, "陈建国", 1, "", "经济委员会"},        {2, "林晓燕", 3, "农工党", "教科卫体委员会"},
    {3, "王志强", 2, "民盟", "社会和法制委员会"}, {4, "张丽华", 4, "民进", "教科卫体委员会"},
    {5, "李明辉", 5, "九三学社", "提案委员会"},  {6, "黄秀英", 8, "", "社会和法制委员会"},
    {7, "周文斌", 1, "民建", "经济委员会"},      {8, "吴海燕", 7, "", "文化文史和学习委员会"},
    {9, "郑国平", 6, "", "农业农村委员会"},      {10, "刘春梅", 3, "", "教科卫体委员会"},
    {11, "杨立新", 2, "民革", "社会和法制委员会"}, {12, "徐静", 4, "", "教科卫体委员会"},
    {13, "孙伟东", 1, "致公党", "经济委员会"},   {14, "胡美玲", 8, "", "提案委员会"},
    {15, "朱振华", 5, "", "提案委员会"},         {16, "高雅琴", 7, "民进", "文化文史和学习委员会"},
    {17, "潘志明", 6, "", "农业农村委员会"},     {18, "何丽娟", 3, "", "教科卫体委员会"},
    {19, "郭建华", 1, "民建", "经济委员会"},     {20, "马晓东", 2, "", "社会和法制委员会"},
    {21, "叶红梅", 8, "无党派", "社会和法制委员会"}, {22, "梁家豪", 1, "", "经济委员会"},
    {23, "宋玉兰", 4, "民盟", "教科卫体委员会"}, {24, "谢永强", 6, "", "农业农村委员会"},
    {25, "金雪", 7, "", "文化文史和学习委员会"}, {26, "唐国庆", 5, "九三学社", "提案委员会"},
    {27, "冯海涛", 1, "", "经济委员会"},         {28, "于婷婷", 3, "农工党", "教科卫体委员会"},
    {29, "董卫国", 2, "", "社会和法制委员会"},   {30, "叶敏", 8, "", "提案委员会"},
    {31, "程志刚", 1, "民革", "经济委员会"},     {32, "曹丽萍", 4, "", "教科卫体委员会"},
    {33, "潘博文", 5, "", "提案委员会"},         {34, "邓文静", 7, "致公党", "文化文史和学习委员会"},
    {35, "许振宇", 1, "", "经济委员会"},         {36, "金晓红", 3, "", "教科卫体委员会"},
    {37, "沈立军", 6, "民盟", "农业农村委员会"}, {38, "曾雅婷", 4, "", "教科卫体委员会"},
    {39, "彭建新", 2, "无党派", "社会和法制委员会"}, {40, "吕秀珍", 8, "", "社会和法制委员会"},
};

static const seed_room_t s_lw_rooms[] = {
    {1, "永中街道委员工作室", "workroom", "永中街道", 1, 5, 1},
    {2, "海滨街道委员工作室", "workroom", "海滨街道", 6, 5, 1},
    {3, "状元街道委员工作室", "workroom", "状元街道", 11, 4, 2},
    {4, "瑶溪街道委员工作室", "workroom", "瑶溪街道", 15, 6, 2},
    {5, "蒲州街道委员工作室", "workroom", "蒲州街道", 21, 5, 3},
    {6, "星海街道委员工作室", "workroom", "星海街道", 26, 5, 3},
    {7, "沙城街道委员工作室", "workroom", "沙城街道", 31, 4, 4},
    {8, "龙湾区民生议事堂", "council_hall", "", 35, 6, 4},
};

static const seed_named_t s_lw_units[] = {
    {1, "区住房和城乡建设局"}, {2, "区交通运输局"}, {3, "区教育局"},
    {4, "区卫生健康局"}, {5, "区人力资源和社会保障局"}, {6, "市生态环境局龙湾分局"},
    {7, "区公安分局"}, {8, "区市场监督管理局"},
};

/* ---- 330304 瓯海区 ------------------------------------------------------------ */

static const seed_named_t s_oh_sectors[] = {
    {1, "经济界"}, {2, "教育界"}, {3, "医药卫生界"},
};

static const seed_named_t s_oh_groups[] = {
    {1, "娄桥·潘桥联络组"},
};

static const seed_member_t s_oh_members[] = {
    {1001, "施海波", 1, "", "经济委员会"},   {1002, "池秀丽", 2, "民进", "教科卫体委员会"},
    {1003, "季文龙", 3, "", "教科卫体委员会"}, {1004, "戴春燕", 1, "民建", "经济委员会"},
    {1005, "蔡立群", 3, "农工党", "提案委员会"}, {1006, "应志远", 2, "", "提案委员会"},
};

static const seed_room_t s_oh_rooms[] = {
    {101, "娄桥街道委员工作室", "workroom", "娄桥街道", 1001, 3, 1},
    {102, "潘桥街道委员工作室", "workroom", "潘桥街道", 1004, 3, 1},
};

static const seed_named_t s_oh_units[] = {
    {101, "区住房和城乡建设局"}, {102, "区教育局"},
};

static const seed_district_t s_districts[] = {
    {"330303", "龙湾区", s_lw_sectors, COUNT(s_lw_sectors), s_lw_groups, COUNT(s_lw_groups),
     s_lw_members, COUNT(s_lw_members), s_lw_rooms, COUNT(s_lw_rooms), s_lw_units,
     COUNT(s_lw_units)},
    {"330304", "瓯海区", s_oh_sectors, COUNT(s_oh_sectors), s_oh_groups, COUNT(s_oh_groups),
     s_oh_members, COUNT(s_oh_members), s_oh_rooms, COUNT(s_oh_rooms), s_oh_units,
     COUNT(s_oh_units)},
};

const seed_district_t *seed_districts(size_t *n)
{
    *n = COUNT(s_districts);
    return s_districts;
}

/* ---- calendar rules ----------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long long s_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int seed_weekday(int year, int month, int day)
{
    long long days = s_days_from_civil(year, month, day);
    long long wd = (days + 4) % 7;          /* 1970-01-01 was a Thursday */
    return (int) (wd < 0 ? wd + 7 : wd);
}

int seed_reception_day(int year, int month)
{
    int wd = seed_weekday(year, month, 25);
    if (wd == 6)
        return 27;                          /* Saturday -> Monday */
    if (wd == 0)
        return 26;                          /* Sunday -> Monday */
    return 25;
}

int seed_rota_pick(const seed_room_t *room, int year, int month, int *out, int max)
{
    int n = room->nmembers;
    int want = n >= 5 ? 3 : 2;
    if (n <= 0 || max <= 0)
        return 0;
    if (want > n)
        want = n;
    if (want > max)
        want = max;
    int start = (int) (((long long) year * 12 + (month - 1)) % n);
    for (int i = 0; i < want; i++)
        out[i] = room->first_member + (start + i) % n;
    return want;
}

void seed_month_of(long long now, int *year, int *month)
{
    time_t t = (time_t) (now + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    *year = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
}
