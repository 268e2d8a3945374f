/* test_balance_tree.c - unit tests for balance_tree.c and exclude_list.c: printed trees
 * compared exactly, with and without --ignore-balanced and --exclude. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balance_tree.h"
#include "frame_text.h"
#include "exclude_list.h"

#define MAX_TEST_FRAMES 32

/* Adds an event whose stack is the NULL-terminated list of names, innermost first. */
static bool add_event(struct balance_tree *tree, enum log_op op, ...)
{
    struct log_frame frames[MAX_TEST_FRAMES];
    size_t count = 0;
    va_list names;
    va_start(names, op);
    for (const char *name; (name = va_arg(names, const char *)) != NULL;) {
        ck_assert_uint_lt(count, MAX_TEST_FRAMES);
        frames[count++] = (struct log_frame){name, "/tmp/demo/app", 0x1000 + count, NULL};
    }
    va_end(names);
    return balance_tree_add(tree, op, frames, count);
}

/* The tree as printed; the caller frees it. */
static char *printed(const struct balance_tree *tree, bool ignore_balanced)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    balance_tree_print(tree, out, ignore_balanced);
    fclose(out);
    return text;
}

static void assert_printed(const struct balance_tree *tree, bool ignore_balanced,
                           const char *expected)
{
    char *text = printed(tree, ignore_balanced);
    ck_assert_str_eq(text, expected);
    free(text);
}

/* The seed document's example: leaked once, in DoSomethingWithFooAndReturnItToo. */
static void add_seed_example(struct balance_tree *tree)
{
    add_event(tree, LOG_OP_NEW, "NS_NewFoo(nsFoo**)", "DoSomethingWithFooAndReturnItToo()",
              "main", "__libc_start_call_main", "__libc_start_main", "_start", NULL);
    add_event(tree, LOG_OP_ADDREF, "DoSomethingWithFooAndReturnItToo()", "main",
              "__libc_start_call_main", "__libc_start_main", "_start", NULL);
    add_event(tree, LOG_OP_RELEASE, "main", "__libc_start_call_main", "__libc_start_main",
              "_start", NULL);
}

START_TEST(seed_example_tree)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    add_seed_example(tree);
    assert_printed(tree, false,
                   ".root: bal=1\n"
                   "  main: bal=1\n"
                   "    DoSomethingWithFooAndReturnItToo: bal=2\n"
                   "      NS_NewFoo: bal=1\n");
    ck_assert_int_eq(balance_tree_root_balance(tree), 1);
    balance_tree_free(tree);
}
END_TEST

START_TEST(empty_tree_is_just_the_root)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    assert_printed(tree, false, ".root: bal=0\n");
    assert_printed(tree, true, ".root: bal=0\n");
    add_event(tree, LOG_OP_ADDREF, NULL); /* an event with an empty stack */
    assert_printed(tree, false, ".root: bal=1\n");
    balance_tree_free(tree);
}
END_TEST

START_TEST(children_in_order_of_first_appearance_and_same_key_merged)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    add_event(tree, LOG_OP_NEW, "zeta()", "main", NULL);
    add_event(tree, LOG_OP_ADDREF, "alpha(int)", "main", NULL);
    add_event(tree, LOG_OP_ADDREF, "zeta(int, int)", "main", NULL); /* other overload */
    add_event(tree, LOG_OP_RELEASE, "alpha(int)", "main", NULL);
    add_event(tree, LOG_OP_DESTROY, "mu::nu() const", "main", NULL);
    assert_printed(tree, false,
                   ".root: bal=1\n"
                   "  main: bal=1\n"
                   "    zeta: bal=2\n"
                   "    alpha: bal=0\n"
                   "    mu::nu: bal=-1\n");
    balance_tree_free(tree);
}
END_TEST

START_TEST(recursion_gives_nested_nodes)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    add_event(tree, LOG_OP_ADDREF, "walk(Node*)", "walk(Node*)", "walk(Node*)", "main", NULL);
    add_event(tree, LOG_OP_RELEASE, "walk(Node*)", "main", NULL);
    assert_printed(tree, false,
                   ".root: bal=0\n"
                   "  main: bal=0\n"
                   "    walk: bal=0\n"
                   "      walk: bal=1\n"
                   "        walk: bal=1\n");
    balance_tree_free(tree);
}
END_TEST

START_TEST(ignore_balanced_prints_the_node_but_not_its_children)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    add_event(tree, LOG_OP_ADDREF, "take()", "balanced()", "main", NULL);
    add_event(tree, LOG_OP_RELEASE, "give()", "balanced()", "main", NULL);
    add_event(tree, LOG_OP_ADDREF, "leak()", "unbalanced()", "main", NULL);
    assert_printed(tree, true,
                   ".root: bal=1\n"
                   "  main: bal=1\n"
                   "    balanced: bal=0\n"
                   "    unbalanced: bal=1\n"
                   "      leak: bal=1\n");
    assert_printed(tree, false,
                   ".root: bal=1\n"
                   "  main: bal=1\n"
                   "    balanced: bal=0\n"
                   "      take: bal=1\n"
                   "      give: bal=-1\n"
                   "    unbalanced: bal=1\n"
                   "      leak: bal=1\n");
    balance_tree_free(tree);
}
END_TEST

START_TEST(ignore_balanced_at_the_root)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    add_event(tree, LOG_OP_NEW, "make()", "main", NULL);
    add_event(tree, LOG_OP_DESTROY, "main", NULL);
    assert_printed(tree, true, ".root: bal=0\n");
    balance_tree_free(tree);
}
END_TEST

START_TEST(startup_frames_and_thread_plumbing_are_dropped)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    /* Frames above main are dropped even if they are not known plumbing. */
    add_event(tree, LOG_OP_NEW, "NS_NewFoo(nsFoo**)", "main", "weird_loader", "_start", NULL);
    /* A thread: the start routine is the first node. */
    add_event(tree, LOG_OP_ADDREF, "Worker::Run()", "worker_main(void*)", "start_thread",
              "clone3", NULL);
    add_event(tree, LOG_OP_RELEASE, "worker_main(void*)", "start_thread", "__clone", NULL);
    /* Only plumbing: counted at .root only. */
    add_event(tree, LOG_OP_ADDREF, "start_thread", "clone", NULL);
    assert_printed(tree, false,
                   ".root: bal=2\n"
                   "  main: bal=1\n"
                   "    NS_NewFoo: bal=1\n"
                   "  worker_main: bal=0\n"
                   "    Worker::Run: bal=1\n");
    balance_tree_free(tree);
}
END_TEST

START_TEST(path_start_index)
{
    struct log_frame frames[] = {
        {"f()", NULL, 0, NULL}, {"main", NULL, 0, NULL}, {"g()", NULL, 0, NULL},
        {"main", NULL, 0, NULL}, {"_start", NULL, 0, NULL},
    };
    ck_assert_uint_eq(frame_text_path_start(frames, 5), 3); /* outermost main */
    ck_assert_uint_eq(frame_text_path_start(frames, 1), 0);
    ck_assert_uint_eq(frame_text_path_start(frames, 0), 0);
    struct log_frame plumbing[] = {{"start_thread", NULL, 0, NULL}, {"clone", NULL, 0, NULL}};
    ck_assert_uint_eq(frame_text_path_start(plumbing, 2), 2);
    /* Without the C library's debug symbols a thread starts in two nameless libc frames. */
    const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
    struct log_frame thread[] = {
        {"KeepOne()", "/opt/app", 0x1150, NULL}, {"???", "/opt/plug.so", 0x2a10, NULL},
        {"Worker(void*)", "/opt/app", 0x1100, NULL}, {"???", libc, 0x891f5, NULL},
        {"???", libc, 0x1098ec, NULL},
    };
    ck_assert_uint_eq(frame_text_path_start(thread, 5), 2);
    /* ...a nameless frame of another library is kept, even outermost. */
    ck_assert_uint_eq(frame_text_path_start(thread, 2), 1);
    /* A stripped executable on a stripped C library: its _start, then libc's start-up. */
    struct log_frame stripped[] = {
        {"???", "/opt/app", 0x1200, NULL}, {"???", libc, 0x271ca, NULL},
        {"???", libc, 0x27285, NULL}, {"???", "/opt/app", 0x1050, NULL},
    };
    ck_assert_uint_eq(frame_text_path_start(stripped, 4), 0);
}
END_TEST

/* The names the refshim reader looks up no debug information for: start-up code, which
 * no report shows; with parameter lists or not, and nothing that merely looks alike. */
START_TEST(startup_names_are_known)
{
    ck_assert(frame_text_is_startup_name("__libc_start_call_main"));
    ck_assert(frame_text_is_startup_name("__libc_start_main"));
    ck_assert(frame_text_is_startup_name("start_thread"));
    ck_assert(frame_text_is_startup_name("clone3"));
    ck_assert(frame_text_is_startup_name("_start"));
    ck_assert(!frame_text_is_startup_name("main"));
    ck_assert(!frame_text_is_startup_name("start_thread_pool(int)"));
    ck_assert(!frame_text_is_startup_name("???"));
    ck_assert(!frame_text_is_startup_name(NULL));
}
END_TEST

START_TEST(excluded_stacks_do_not_count_anywhere)
{
    struct exclude_list *excludes = exclude_list_new();
    exclude_list_add(excludes, "DoSomethingWithFooAndReturnItToo");
    struct balance_tree *tree = balance_tree_new(excludes);
    add_seed_example(tree);
    assert_printed(tree, false,
                   ".root: bal=-1\n"
                   "  main: bal=-1\n");
    balance_tree_free(tree);
    exclude_list_free(excludes);
}
END_TEST

START_TEST(exclude_matches_with_or_without_parameters)
{
    struct exclude_list *excludes = exclude_list_new();
    exclude_list_add(excludes, "NS_NewFoo(nsFoo**)");
    ck_assert(exclude_list_matches(excludes, "NS_NewFoo(nsFoo**)"));
    ck_assert(exclude_list_matches(excludes, "NS_NewFoo"));
    ck_assert(exclude_list_matches(excludes, "NS_NewFoo(int)"));
    ck_assert(!exclude_list_matches(excludes, "NS_NewFooBar()"));
    ck_assert(!exclude_list_matches(excludes, "main"));

    struct balance_tree *tree = balance_tree_new(excludes);
    ck_assert(!add_event(tree, LOG_OP_NEW, "NS_NewFoo(nsFoo**)", "main", NULL));
    ck_assert(add_event(tree, LOG_OP_ADDREF, "other()", "main", NULL));
    assert_printed(tree, false, ".root: bal=1\n  main: bal=1\n    other: bal=1\n");
    balance_tree_free(tree);
    exclude_list_free(excludes);
}
END_TEST

START_TEST(exclude_file_format)
{
    static const char file_text[] = "# matched by hand\n"
                                    "  NS_NewFoo(nsFoo**)  \r\n"
                                    "\n"
                                    "\t\r\n"
                                    "foo::bar(int) const\n"
                                    "last_without_newline";
    FILE *file = fmemopen((void *)file_text, strlen(file_text), "r");
    ck_assert_ptr_nonnull(file);
    struct exclude_list *excludes = exclude_list_new();
    ck_assert(exclude_list_load_stream(excludes, file));
    fclose(file);
    ck_assert_uint_eq(exclude_list_size(excludes), 3);
    ck_assert(exclude_list_matches(excludes, "NS_NewFoo"));
    ck_assert(exclude_list_matches(excludes, "foo::bar()"));
    ck_assert(exclude_list_matches(excludes, "last_without_newline"));
    ck_assert(!exclude_list_matches(excludes, "# matched by hand"));
    ck_assert(!exclude_list_matches(excludes, ""));
    exclude_list_free(excludes);

    char error[256];
    excludes = exclude_list_new();
    ck_assert(!exclude_list_load_path(excludes, "/nonexistent/excludes", error, sizeof error));
    ck_assert_str_eq(error, "/nonexistent/excludes: No such file or directory");
    exclude_list_free(excludes);
}
END_TEST

START_TEST(deep_stack_does_not_recurse)
{
    enum { DEPTH = 10000 };
    struct log_frame *frames = calloc(DEPTH, sizeof *frames);
    ck_assert_ptr_nonnull(frames);
    for (size_t i = 0; i < DEPTH; i++)
        frames[i].function = i + 1 == DEPTH ? "main" : "recurse(int)";
    struct balance_tree *tree = balance_tree_new(NULL);
    ck_assert(balance_tree_add(tree, LOG_OP_ADDREF, frames, DEPTH));
    FILE *sink = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(sink);
    balance_tree_print(tree, sink, false);
    fclose(sink);
    balance_tree_free(tree);
    free(frames);
}
END_TEST

/* A runaway recursion: every level used to be indented two spaces more, so the output
 * (and the time) grew with the square of the depth: 10 GB for 100,000 frames. */
START_TEST(deep_stack_prints_in_linear_size)
{
    enum { DEPTH = 20000 };
    struct log_frame *frames = calloc(DEPTH, sizeof *frames);
    ck_assert_ptr_nonnull(frames);
    for (size_t i = 0; i < DEPTH; i++)
        frames[i].function = i + 1 == DEPTH ? "main" : "recurse(int)";
    struct balance_tree *tree = balance_tree_new(NULL);
    ck_assert(balance_tree_add(tree, LOG_OP_ADDREF, frames, DEPTH));
    char *text = printed(tree, false);
    /* .root + DEPTH nodes, none over the capped indent plus `[level N] recurse: bal=1`. */
    ck_assert_uint_lt(strlen(text), (DEPTH + 1) * (2 * BALANCE_TREE_MAX_INDENT + 40));
    char expected[512];
    int indent = 2 * BALANCE_TREE_MAX_INDENT;
    snprintf(expected, sizeof expected, "\n%*s[level %d] recurse: bal=1\n%*s[level %d] recurse: bal=1\n",
             indent, "", BALANCE_TREE_MAX_INDENT + 1, indent, "", BALANCE_TREE_MAX_INDENT + 2);
    ck_assert_ptr_nonnull(strstr(text, expected));
    snprintf(expected, sizeof expected, "\n%*srecurse: bal=1\n%*s[level", indent, "", indent, "");
    ck_assert_ptr_nonnull(strstr(text, expected));
    free(text);
    balance_tree_free(tree);
    free(frames);
}
END_TEST

/* A stripped library's functions have no name: each is its module and offset, never one
 * `???` node; a stripped executable's start-up frames are dropped as for `main`. */
START_TEST(nameless_frames_are_named_by_module_and_offset)
{
    struct balance_tree *tree = balance_tree_new(NULL);
    struct log_frame first[] = {
        {"???", "/usr/lib/libgstplayback.so", 0x1a2b0, NULL},
        {"???", "/usr/bin/app", 0x1189, NULL},
        {"__libc_start_call_main", "/lib/libc.so.6", 0x29d90, NULL},
        {"__libc_start_main", "/lib/libc.so.6", 0x29e40, NULL},
        {"???", "/usr/bin/app", 0x1065, NULL},
    };
    struct log_frame second[] = {
        {"???", "/usr/lib/libgstplayback.so", 0x2c040, NULL},
        {"???", "/usr/bin/app", 0x1189, NULL},
        {"__libc_start_call_main", "/lib/libc.so.6", 0x29d90, NULL},
        {"__libc_start_main", "/lib/libc.so.6", 0x29e40, NULL},
        {"???", "/usr/bin/app", 0x1065, NULL},
    };
    ck_assert(balance_tree_add(tree, LOG_OP_ADDREF, first, 5));
    ck_assert(balance_tree_add(tree, LOG_OP_RELEASE, second, 5));
    assert_printed(tree, false,
                   ".root: bal=0\n"
                   "  app+0x1189: bal=0\n"
                   "    libgstplayback.so+0x1a2b0: bal=1\n"
                   "    libgstplayback.so+0x2c040: bal=-1\n");
    balance_tree_free(tree);
}
END_TEST

Suite *balance_tree_suite(void)
{
    Suite *suite = suite_create("balance_tree");
    TCase *building = tcase_create("building");
    tcase_add_test(building, seed_example_tree);
    tcase_add_test(building, empty_tree_is_just_the_root);
    tcase_add_test(building, children_in_order_of_first_appearance_and_same_key_merged);
    tcase_add_test(building, recursion_gives_nested_nodes);
    tcase_add_test(building, startup_frames_and_thread_plumbing_are_dropped);
    tcase_add_test(building, path_start_index);
    tcase_add_test(building, startup_names_are_known);
    tcase_add_test(building, deep_stack_does_not_recurse);
    tcase_add_test(building, deep_stack_prints_in_linear_size);
    tcase_add_test(building, nameless_frames_are_named_by_module_and_offset);
    suite_add_tcase(suite, building);
    TCase *options = tcase_create("options");
    tcase_add_test(options, ignore_balanced_prints_the_node_but_not_its_children);
    tcase_add_test(options, ignore_balanced_at_the_root);
    tcase_add_test(options, excluded_stacks_do_not_count_anywhere);
    tcase_add_test(options, exclude_matches_with_or_without_parameters);
    tcase_add_test(options, exclude_file_format);
    suite_add_tcase(suite, options);
    return suite;
}
