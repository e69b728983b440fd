/* password: changing a password (POST /v1/me/password) and an office's
 * reset of another user's (POST /v1/users/{id}/password). The policy is
 * pwpolicy.c; the hashing runs off the loop; the new hash, the old one kept
 * in auth.password_history, the revocation of the user's other sessions and
 * the record (authtx) commit together. Never logs or records a password. */
#ifndef GW_PASSWORD_H
#define GW_PASSWORD_H

#include "gw.h"

/* The route's request message and required paths (proto/users.proto). */
extern const char *const password_change_required[];

/* POST /v1/me/password {"current_password","new_password"}: 204; 400
 * validation_failed (new_password: too_long, too_short, too_weak, invalid,
 * same_as_username, reused; current_password: too_long), 403 wrong_password,
 * 400 bad_request for an API key. Open to a session whose password expired
 * (it can do nothing else). */
void password_change(gw_call_t *call);

/* Sets the password of user `user_id` of `district` to `password` (policy
 * checked by the caller) for `call`'s principal, and answers 204 (404 when
 * there is no such user). With auth.password_expiry_days set, the user must
 * change it at the next login. */
void password_reset(gw_call_t *call, const char *district, int64_t user_id,
                    const char *username, const char *password);

#endif
