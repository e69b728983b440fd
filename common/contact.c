/* contact: see contact.h. */
#include "contact.h"

#include <string.h>

int contact_phone_ok(const char *phone, int *too_long)
{
    size_t len = phone ? strlen(phone) : 0;
    int digits = 0;
    if (too_long)
        *too_long = 0;
    for (size_t i = 0; i < len; i++) {
        char c = phone[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c != '+' && c != '-' && c != ' ')
            return 0;
    }
    if (len > CONTACT_PHONE_MAX) {
        if (too_long)
            *too_long = 1;
        return 0;
    }
    return len >= CONTACT_PHONE_MIN && digits > 0;
}

int contact_email_ok(const char *email, int *too_long)
{
    size_t len = email ? strlen(email) : 0;
    if (too_long)
        *too_long = len > CONTACT_EMAIL_MAX;
    if (len == 0 || len > CONTACT_EMAIL_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (email[i] <= ' ' || email[i] > '~')
            return 0;
    const char *at = strchr(email, '@');
    if (!at || at == email || strchr(at + 1, '@'))
        return 0;
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}
