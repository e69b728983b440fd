/* rota_timers: the fire functions of intake's duty rota timers (rows of
 * intake.timers, declared in main.c and fired by common/timers under the
 * lease intake/<district>): the reminder the day before a duty day
 * (duty.upcoming, to the rostered members) and the absence check the day
 * after (a rostered member who neither served, i.e. took part in a visit of
 * that room that day, nor was excused is marked absent: rota.absent). Each
 * runs inside the timers' transaction; logs nothing of people. */
#ifndef LIANXIN_INTAKE_ROTA_TIMERS_H
#define LIANXIN_INTAKE_ROTA_TIMERS_H

#include "timers.h"

/* timers_fire_fn of kind duty.upcoming; keys: workroom_id, duty_date. Buffers
 * DutyUpcoming (the room, the day, its members published or confirmed) when
 * the room has any; a reminder found on or after the duty day (the service
 * was down) is consumed without an event. 0 or -1. */
int rota_timers_duty_upcoming(tx_t *tx, const timers_row_t *row, void *app);

/* timers_fire_fn of kind rota.absent_check; keys as above. The room's rows
 * of that day still published or confirmed become served or absent; each
 * absence buffers rota.absent and an audit row. Excused rows stay. 0 or -1. */
int rota_timers_absent_check(tx_t *tx, const timers_row_t *row, void *app);

#endif
