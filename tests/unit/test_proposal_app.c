/* test_proposal_app: lianxin-proposal's settings: the reply deadline by
 * default and per district, the co-signers' window, the refusal reasons
 * (configured or default), and init refusing values out of range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proposal_app.h"

/* Loads `text` as a config file; NULL on failure. */
static config_t *s_config(const char *text)
{
    char path[] = "/tmp/test_proposal_app_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    config_t *c = config_load(path);
    unlink(path);
    return c;
}

static void test_defaults(void **state)
{
    (void) state;
    void *app = NULL;
    config_t *c = s_config("log.level = info\n");
    assert_non_null(c);
    assert_int_equal(proposal_app_init(c, &app), 0);
    const proposal_app_t *a = app;
    assert_int_equal(proposal_app_reply_workdays(a, "330303"), PROPOSAL_REPLY_WORKDAYS);
    assert_int_equal(a->cosign_workdays, PROPOSAL_COSIGN_WORKDAYS);
    assert_true(proposal_app_reason_ok(a, "not_in_scope"));
    assert_false(proposal_app_reason_ok(a, "whatever"));
    assert_false(proposal_app_reason_ok(a, NULL));
    proposal_app_fini(app);
    config_destroy(&c);
}

static void test_per_district(void **state)
{
    (void) state;
    void *app = NULL;
    config_t *c = s_config("proposal.reply_workdays = 40\n"
                           "proposal.reply_workdays_districts = 330304, 330305\n"
                           "proposal.reply_workdays.330304 = 60\n"
                           "proposal.cosign_workdays = 3\n"
                           "proposal.refuse_reasons = duplicate, out_of_scope\n");
    assert_non_null(c);
    assert_int_equal(proposal_app_init(c, &app), 0);
    const proposal_app_t *a = app;
    assert_int_equal(proposal_app_reply_workdays(a, "330303"), 40);
    assert_int_equal(proposal_app_reply_workdays(a, "330304"), 60);
    assert_int_equal(proposal_app_reply_workdays(a, "330305"), 40);   /* listed, not set */
    assert_int_equal(a->cosign_workdays, 3);
    assert_true(proposal_app_reason_ok(a, "duplicate"));
    assert_false(proposal_app_reason_ok(a, "not_in_scope"));          /* defaults replaced */
    proposal_app_fini(app);
    config_destroy(&c);
}

static void test_out_of_range(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "proposal.reply_workdays = 0\n",
        "proposal.reply_workdays = 251\n",
        "proposal.cosign_workdays = 0\n",
        "proposal.refuse_reasons = Not-A-Code\n",
        "proposal.reply_workdays_districts = 330304\nproposal.reply_workdays.330304 = 999\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        void *app = NULL;
        config_t *c = s_config(bad[i]);
        assert_non_null(c);
        assert_int_equal(proposal_app_init(c, &app), -1);
        config_destroy(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_per_district),
        cmocka_unit_test(test_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
