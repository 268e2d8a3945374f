/* Unit tests for reading the REFLOG_* environment. */
#include <check.h>
#include <string.h>

#include "config.h"

/* A fake environment: NAME=VALUE strings, NULL-terminated. */
static const char **fake_env;

static const char *fake_lookup(const char *name)
{
    size_t n = strlen(name);
    for (const char **e = fake_env; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static struct config config;
static char err[300];

static bool load(const char **env)
{
    fake_env = env;
    return config_load(&config, fake_lookup, err, sizeof err);
}

START_TEST(inert_without_reflog_file)
{
    const char *env[] = {"REFLOG_CLASSES=nsFoo", NULL};
    ck_assert(load(env));
    ck_assert_ptr_null(config.file);
    config_free(&config);
}
END_TEST

START_TEST(reads_every_variable)
{
    const char *env[] = {"REFLOG_FILE=refs.log", "REFLOG_CLASSES=nsFoo,nsBar",
                         "REFLOG_OBJECTS=2,5-7", "REFLOG_DEPTH=20", "REFLOG_CHILDREN=0", NULL};
    ck_assert(load(env));
    ck_assert_str_eq(config.file, "refs.log");
    ck_assert_int_eq(config.std_fd, -1);
    ck_assert(name_list_matches(&config.classes, "nsBar"));
    ck_assert(!name_list_matches(&config.classes, "nsBaz"));
    ck_assert(config.have_objects);
    ck_assert(serial_set_contains(&config.objects, 6));
    ck_assert(!serial_set_contains(&config.objects, 3));
    ck_assert_int_eq(config.depth, 20);
    ck_assert(!config.follow_children);
    config_free(&config);
}
END_TEST

START_TEST(reads_function_patterns)
{
    const char *env[] = {"REFLOG_FILE=refs.log", "REFLOG_NEW=widget_new",
                         "REFLOG_ADDREF=widget_retain,gadget_*", "REFLOG_RELEASE=widget_release", NULL};
    ck_assert(load(env));
    ck_assert(name_list_glob_any(&config.new_fns, "widget_new"));
    ck_assert(name_list_glob_any(&config.addref_fns, "gadget_ref"));
    ck_assert(!name_list_glob_any(&config.addref_fns, "widget_release"));
    ck_assert(name_list_glob_any(&config.release_fns, "widget_release"));
    config_free(&config);
}
END_TEST

START_TEST(defaults)
{
    const char *env[] = {"REFLOG_FILE=2", NULL};
    ck_assert(load(env));
    ck_assert_int_eq(config.std_fd, 2);
    ck_assert(!config.have_objects);
    ck_assert(name_list_matches(&config.classes, "whatever"));
    ck_assert_int_eq(config.depth, CONFIG_DEFAULT_DEPTH);
    ck_assert(config.follow_children);
    config_free(&config);
}
END_TEST

START_TEST(errors_name_the_variable)
{
    const char *objects[] = {"REFLOG_FILE=x", "REFLOG_OBJECTS=1-", NULL};
    ck_assert(!load(objects));
    ck_assert_str_eq(err, "REFLOG_OBJECTS: expected the end of the range at \"1-\"");
    const char *classes[] = {"REFLOG_FILE=x", "REFLOG_CLASSES=,", NULL};
    ck_assert(!load(classes));
    ck_assert_str_eq(err, "REFLOG_CLASSES: empty name in \",\"");
    const char *depth[] = {"REFLOG_FILE=x", "REFLOG_DEPTH=0", NULL};
    ck_assert(!load(depth));
    ck_assert_str_eq(err, "REFLOG_DEPTH: \"0\" is not a number of frames from 1 to 256");
    const char *children[] = {"REFLOG_FILE=x", "REFLOG_CHILDREN=yes", NULL};
    ck_assert(!load(children));
    ck_assert_str_eq(err, "REFLOG_CHILDREN: \"yes\" is not 0 or 1");
    const char *fns[] = {"REFLOG_FILE=x", "REFLOG_ADDREF=widget_retain,", NULL};
    ck_assert(!load(fns));
    ck_assert_str_eq(err, "REFLOG_ADDREF: empty name in \"widget_retain,\"");
    const char *empty[] = {"REFLOG_FILE=", NULL};
    ck_assert(!load(empty));
    ck_assert_str_eq(err, "REFLOG_FILE is empty (give a path, 1 for stdout or 2 for stderr)");
}
END_TEST

START_TEST(errors_escape_control_characters)
{
    const char *depth[] = {"REFLOG_FILE=x", "REFLOG_DEPTH=1\n\x1b[2J\\", NULL};
    ck_assert(!load(depth));
    ck_assert_str_eq(err, "REFLOG_DEPTH: \"1\\n\\x1b[2J\\\\\" is not a number of frames from 1 to 256");
    const char *fns[] = {"REFLOG_FILE=x", "REFLOG_NEW=a,\t,", NULL};
    ck_assert(!load(fns));
    ck_assert_str_eq(err, "REFLOG_NEW: empty name in \"a,\\t,\"");
    char small[8] = "ab\ncdef";
    config_escape_controls(small, sizeof small);
    ck_assert_str_eq(small, "ab\\ncde");
}
END_TEST

/* Every name config_load asks the environment for, in order. */
static const char *asked[32];
static size_t asked_count;

static const char *recording_lookup(const char *name)
{
    if (asked_count < sizeof asked / sizeof asked[0])
        asked[asked_count++] = name;
    return strcmp(name, "REFLOG_FILE") == 0 ? "refs.log" : NULL;
}

START_TEST(parser_reads_exactly_the_table)
{
    asked_count = 0;
    ck_assert(config_load(&config, recording_lookup, err, sizeof err));
    config_free(&config);
    /* REFLOG_FILE is asked once to know whether to trace, then with the others. */
    ck_assert_uint_eq(asked_count, config_variable_count() + 1);
    ck_assert_str_eq(asked[0], "REFLOG_FILE");
    for (size_t i = 0; i < config_variable_count(); i++) {
        const struct config_variable *v = config_variable(i);
        ck_assert_str_eq(asked[i + 1], v->name);
        ck_assert_int_eq(strncmp(v->name, "REFLOG_", 7), 0);
        ck_assert(v->description[0] != '\0' && v->default_text[0] != '\0');
    }
    ck_assert_ptr_null(config_variable(config_variable_count()));
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, inert_without_reflog_file);
    tcase_add_test(tc, reads_every_variable);
    tcase_add_test(tc, reads_function_patterns);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, errors_name_the_variable);
    tcase_add_test(tc, errors_escape_control_characters);
    tcase_add_test(tc, parser_reads_exactly_the_table);
    suite_add_tcase(s, tc);
    return s;
}
