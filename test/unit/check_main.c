/* Runs every Check unit-test suite of refshim; each suite lives in its own test_*.c file. */
#include <check.h>
#include <stdlib.h>

Suite *ranges_suite(void);
Suite *config_suite(void);
Suite *name_list_suite(void);
Suite *log_mapping_suite(void);
Suite *depot_suite(void);
Suite *unwind_modules_suite(void);
Suite *key_table_suite(void);
/* analyzer suites */
Suite *func_name_suite(void);
Suite *log_reader_suite(void);
Suite *balance_tree_suite(void);
Suite *mozilla_format_suite(void);
Suite *asterisk_format_suite(void);
Suite *json_writer_suite(void);
Suite *output_suite(void);
Suite *relocate_suite(void);
Suite *mozilla_readers_suite(void);
Suite *asterisk_readers_suite(void);
Suite *asterisk_scan_suite(void);
Suite *object_tracker_suite(void);
Suite *escape_text_suite(void);
Suite *scale_suite(void);
Suite *chunk_reading_suite(void);
Suite *scan_memory_suite(void);
Suite *guarded_copy_suite(void);
Suite *dl_module_suite(void);
Suite *refshim_readers_suite(void);
Suite *history_spool_suite(void);
Suite *flights_suite(void);

int main(void)
{
    SRunner *runner = srunner_create(ranges_suite());
    srunner_add_suite(runner, config_suite());
    srunner_add_suite(runner, name_list_suite());
    srunner_add_suite(runner, log_mapping_suite());
    srunner_add_suite(runner, depot_suite());
    srunner_add_suite(runner, unwind_modules_suite());
    srunner_add_suite(runner, key_table_suite());
    srunner_add_suite(runner, func_name_suite());
    srunner_add_suite(runner, log_reader_suite());
    srunner_add_suite(runner, balance_tree_suite());
    srunner_add_suite(runner, mozilla_format_suite());
    srunner_add_suite(runner, asterisk_format_suite());
    srunner_add_suite(runner, json_writer_suite());
    srunner_add_suite(runner, output_suite());
    srunner_add_suite(runner, relocate_suite());
    srunner_add_suite(runner, mozilla_readers_suite());
    srunner_add_suite(runner, asterisk_readers_suite());
    srunner_add_suite(runner, asterisk_scan_suite());
    srunner_add_suite(runner, object_tracker_suite());
    srunner_add_suite(runner, escape_text_suite());
    srunner_add_suite(runner, scale_suite());
    srunner_add_suite(runner, chunk_reading_suite());
    srunner_add_suite(runner, scan_memory_suite());
    srunner_add_suite(runner, guarded_copy_suite());
    srunner_add_suite(runner, dl_module_suite());
    srunner_add_suite(runner, refshim_readers_suite());
    srunner_add_suite(runner, history_spool_suite());
    srunner_add_suite(runner, flights_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
