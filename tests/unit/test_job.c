/* The job API of include/covmerge.h (what runner --cov and the covmerge
 * command call): report specs, option values out of range, two outputs
 * into one file, and cm_job_run's exit codes on a real lcov tracefile
 * (gate passed, gate failed, report written) and on no data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "covmerge.h"
#include "unit_util.h"

static void test_report_specs(void **state)
{
	(void)state;
	assert_true(cm_report_spec_valid("term"));
	assert_true(cm_report_spec_valid("term-missing"));
	assert_true(cm_report_spec_valid("term-missing:skip-covered"));
	assert_true(cm_report_spec_valid("xml:out.xml"));
	assert_true(cm_report_spec_valid("cobertura:out.xml"));
	assert_true(cm_report_spec_valid("lcov:-"));
	assert_false(cm_report_spec_valid("xml"));
	assert_false(cm_report_spec_valid("xml:"));
	assert_false(cm_report_spec_valid("term:out"));
	assert_true(cm_report_spec_valid("html:out"));
	/* a directory cannot be standard output */
	assert_false(cm_report_spec_valid("html:-"));
	assert_false(cm_report_spec_valid("html:"));
	assert_false(cm_report_spec_valid("html"));
	assert_false(cm_report_spec_valid("sonarqube:x.xml"));
	struct cm_job *job = cm_job_new();
	assert_int_equal(cm_job_add_report(job, "sonarqube:x"), -1);
	assert_int_equal(cm_job_add_report(job, "json:x.json"), 0);
	assert_null(cm_job_output_in_html(job));
	assert_int_equal(cm_job_add_report(job, "html:out"), 0);
	assert_null(cm_job_output_in_html(job));
	/* an output inside the directory would go with it */
	assert_int_equal(cm_job_add_report(job, "xml:out/../out/cov.xml"), 0);
	assert_string_equal(cm_job_output_in_html(job), "out/../out/cov.xml");
	cm_job_free(job);
	job = cm_job_new();
	assert_int_equal(cm_job_add_report(job, "html:a/b"), 0);
	assert_int_equal(cm_job_add_report(job, "html:a"), 0);
	assert_string_equal(cm_job_output_in_html(job), "a/b");
	cm_job_free(job);
	job = cm_job_new();
	cm_job_set_export(job, "outside/e.cmshard");
	assert_int_equal(cm_job_add_report(job, "html:out"), 0);
	assert_int_equal(cm_job_add_report(job, "lcov:-"), 0);
	assert_int_equal(cm_job_add_report(job, "lcov:outx/a.info"), 0);
	assert_null(cm_job_output_in_html(job));
	cm_job_set_export(job, "out/e.cmshard");
	assert_string_equal(cm_job_output_in_html(job), "out/e.cmshard");
	cm_job_free(job);
}

static void test_values_checked(void **state)
{
	(void)state;
	struct cm_job *job = cm_job_new();
	assert_int_equal(cm_job_set_precision(job, 7), -1);
	assert_int_equal(cm_job_set_precision(job, -1), -1);
	assert_int_equal(cm_job_set_precision(job, 6), 0);
	assert_int_equal(cm_job_set_sort(job, "-cover"), 0);
	assert_int_equal(cm_job_set_sort(job, "size"), -1);
	assert_int_equal(cm_job_set_fail_under(job, CM_FAIL_UNDER_LINE, 100.5), -1);
	assert_int_equal(cm_job_set_fail_under(job, CM_FAIL_UNDER_BRANCH, -1), -1);
	assert_int_equal(cm_job_set_fail_under(job, CM_FAIL_UNDER_TOTAL, 0), 0);
	assert_int_equal(cm_job_add_path_map(job, "=x"), -1);
	assert_int_equal(cm_job_add_path_map(job, "x"), -1);
	assert_int_equal(cm_job_add_path_map(job, "/a=/b"), 0);
	assert_int_equal(cm_job_ninputs(job), 0);
	cm_job_add_input(job, "a");
	cm_job_add_object_dir(job, "b");
	assert_int_equal(cm_job_ninputs(job), 2);
	cm_job_free(job);
}

static void test_output_clash(void **state)
{
	(void)state;
	struct cm_job *job = cm_job_new();
	cm_job_add_report(job, "xml:out/a.xml");
	cm_job_add_report(job, "lcov:-");
	cm_job_add_report(job, "json:-");
	assert_null(cm_job_output_clash(job));
	cm_job_set_export(job, "out/./a.xml");
	assert_string_equal(cm_job_output_clash(job), "out/./a.xml");
	cm_job_set_export(job, NULL);
	assert_null(cm_job_output_clash(job));
	cm_job_free(job);
}

/* One source of 4 lines, 3 of them run: 75%. */
static const char tracefile[] =
	"TN:\nSF:%s/calc.c\nFN:1,calc\nFNDA:1,calc\nFNF:1\nFNH:1\n"
	"DA:1,1\nDA:2,1\nDA:3,0\nDA:4,1\nLF:4\nLH:3\nend_of_record\n";

static struct cm_job *job_on(const char *dir, double fail_under)
{
	char *info = ut_join(dir, "in.info");
	char *src = ut_join(dir, "calc.c");
	static const char calc[] = "int calc(int x)\n{\n\tif (x)\n\t\treturn 1;\n}\n";
	ut_write_file(src, calc, strlen(calc)); /* read for exclusion markers */
	free(src);
	char text[512];
	snprintf(text, sizeof(text), tracefile, dir);
	ut_write_file(info, text, strlen(text));
	struct cm_job *job = cm_job_new();
	cm_job_add_input(job, info);
	cm_job_set_root(job, dir);
	cm_job_set_quiet(job, 1);
	if (fail_under >= 0)
		assert_int_equal(cm_job_set_fail_under(job, CM_FAIL_UNDER_TOTAL,
						       fail_under), 0);
	free(info);
	return job;
}

static void test_run_gate(void **state)
{
	(void)state;
	char *dir = ut_tmpdir("job");
	struct cm_job *job = job_on(dir, 75);
	char *out = ut_join(dir, "out.json");
	char *spec = malloc(strlen(out) + 6);
	sprintf(spec, "json:%s", out);
	assert_int_equal(cm_job_add_report(job, spec), 0);
	free(spec); /* the job keeps its own copy */
	assert_int_equal(cm_job_run(job), CM_EXIT_OK);
	cm_job_free(job);
	size_t len = 0;
	unsigned char *bytes = ut_read_file(out, &len);
	assert_non_null(bytes);
	char *json = calloc(len + 1, 1);
	assert_non_null(json);
	memcpy(json, bytes, len);
	assert_non_null(strstr(json, "\"covered_lines\": 3"));
	free(json);
	free(bytes);

	job = job_on(dir, 75.01);
	assert_int_equal(cm_job_run(job), CM_EXIT_UNDER);
	cm_job_free(job);
	free(out);
	ut_rm_rf(dir);
	free(dir);
}

static void test_run_no_data(void **state)
{
	(void)state;
	char *dir = ut_tmpdir("job-empty");
	struct cm_job *job = cm_job_new();
	cm_job_add_input(job, dir);
	cm_job_set_quiet(job, 1);
	assert_int_equal(cm_job_run(job), CM_EXIT_ERROR);
	cm_job_free(job);
	ut_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_specs),
		cmocka_unit_test(test_values_checked),
		cmocka_unit_test(test_output_clash),
		cmocka_unit_test(test_run_gate),
		cmocka_unit_test(test_run_no_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
