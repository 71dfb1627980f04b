#include "collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "elf.h"
#include "json.h"
#include "path.h"
#include "proc.h"

void strv_free(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static size_t name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

char **env_with(char *const *env, char *const *set)
{
	size_t n = 0, m = 0;
	while (env && env[n])
		n++;
	while (set && set[m])
		m++;
	char **out = xcalloc(n + m + 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = name_len(env[i]);
		int replaced = 0;
		for (size_t j = 0; j < m && !replaced; j++)
			replaced = name_len(set[j]) == l && !strncmp(set[j], env[i], l);
		if (!replaced)
			out[k++] = xstrdup(env[i]);
	}
	for (size_t j = 0; j < m; j++) {
		/* a later entry for the same name wins */
		size_t l = name_len(set[j]);
		int later = 0;
		for (size_t q = j + 1; q < m && !later; q++)
			later = name_len(set[q]) == l && !strncmp(set[q], set[j], l);
		if (!later)
			out[k++] = xstrdup(set[j]);
	}
	return out;
}

char *preload_entry(const char *preload)
{
	const char *old = getenv("LD_PRELOAD");
	return old && *old ? xasprintf("LD_PRELOAD=%s:%s", preload, old)
			   : xasprintf("LD_PRELOAD=%s", preload);
}

static struct program *add_program(struct suite *s, const char *name,
				   const char *exe)
{
	struct program *p = xcalloc(1, sizeof(*p));
	p->name = xstrdup(name);
	p->argv = xcalloc(2, sizeof(char *));
	p->argv[0] = xstrdup(exe);
	p->skip_rc = -1;
	GROW(s->progs, s->aprogs, s->nprogs + 1);
	s->progs[s->nprogs++] = p;
	return p;
}

static int is_test_name(const char *base)
{
	size_t n = strlen(base);
	return !strncmp(base, "test_", 5) ||
	       (n > 5 && !strcmp(base + n - 5, "_test")) ||
	       (n > 6 && !strcmp(base + n - 6, "_tests"));
}

static int is_executable_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* How results name a program: relative to the working directory when it
 * lies under it, else as the command line gave it. */
static char *display_name(const char *p)
{
	if (p[0] != '/')
		return path_normalize(p);
	char *abs = path_absolute(NULL, p);
	char *cwd = getcwd(NULL, 0);
	char *out;
	size_t lc = cwd ? strlen(cwd) : 0;
	if (cwd && !strncmp(abs, cwd, lc) && abs[lc] == '/')
		out = xstrdup(abs + lc + 1);
	else
		out = xstrdup(abs);
	free(abs);
	free(cwd);
	return out;
}

static int links_cmocka(const char *exe);

/* A directory's test programs: named test_*, *_test or *_tests, or linked
 * against cmocka whatever their names (libssh's torture_*). */
static void scan_dir(struct suite *s, const char *dir, struct path_list *found)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "CMakeFiles"))
			continue;
		char *p = path_join(dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			scan_dir(s, p, found);
		else if (is_executable_file(p) &&
			 (is_test_name(de->d_name) || links_cmocka(p)))
			path_list_add(found, xstrdup(p));
		free(p);
	}
	closedir(d);
}

static void add_path_program(struct suite *s, const char *p)
{
	char *name = display_name(p);
	char *exe = path_absolute(NULL, p);
	/* automake's convention: exit status 77 means skipped */
	add_program(s, name, exe)->skip_rc = 77;
	free(name);
	free(exe);
}

int collect_paths(struct suite *s, char *const *paths, size_t npaths,
		  struct strbuf *err)
{
	for (size_t i = 0; i < npaths; i++) {
		const char *p = paths[i];
		struct stat st;
		if (strpbrk(p, "*?[") && stat(p, &st) != 0) {
			glob_t g;
			int rc = glob(p, 0, NULL, &g);
			size_t before = s->nprogs;
			if (rc == 0)
				for (size_t k = 0; k < g.gl_pathc; k++)
					if (is_executable_file(g.gl_pathv[k]))
						add_path_program(s, g.gl_pathv[k]);
			if (rc == 0)
				globfree(&g);
			if (s->nprogs == before) {
				strbuf_addf(err, "no test programs match \"%s\"", p);
				return -1;
			}
			continue;
		}
		if (stat(p, &st) != 0) {
			strbuf_addf(err, "file or directory not found: \"%s\"", p);
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			struct path_list found = {0};
			scan_dir(s, p, &found);
			path_list_sort(&found);
			for (size_t k = 0; k < found.n; k++)
				add_path_program(s, found.v[k]);
			path_list_release(&found);
			continue;
		}
		if (!is_executable_file(p)) {
			strbuf_addf(err, "not an executable program: \"%s\"", p);
			return -1;
		}
		add_path_program(s, p);
	}
	return 0;
}

/* Dynamically linked against libcmocka: among the executable's NEEDED
 * libraries. */
static int links_cmocka(const char *exe)
{
	return elf_program_needs(exe, "libcmocka.so");
}

static void add_test(struct suite *s, struct program *p, const char *group,
		     const char *name)
{
	GROW(s->tests, s->atests, s->ntests + 1);
	struct test *t = &s->tests[s->ntests++];
	memset(t, 0, sizeof(*t));
	t->prog = p;
	t->est = -1;
	if (name) {
		t->group = xstrdup(group);
		t->name = xstrdup(name);
		t->id = xasprintf("%s::%s::%s", p->name, group, name);
	} else {
		t->id = xstrdup(p->name);
	}
}

/* Asks a cmocka program for its tests. Returns how many it added, 0 when
 * it could not be listed (it then runs as one test). */
static size_t list_cmocka(struct suite *s, struct program *p, const char *preload,
			  char *const *env, const char *scratch_prefix)
{
	char *ld = preload_entry(preload);
	char *pfx = xasprintf("GCOV_PREFIX=%s", scratch_prefix);
	char *llvm = xasprintf("LLVM_PROFILE_FILE=%s/%%m-%%p.profraw",
			       scratch_prefix);
	char *set[] = {ld, pfx, "GCOV_PREFIX_STRIP=0", llvm, "RUNNER_CMOCKA_LIST=1",
		       "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0", NULL};
	char **penv = p->env ? env_with(env, p->env) : NULL;
	char **e = env_with(penv ? penv : env, set);
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	int status = 0, timed_out = 0;
	size_t added = 0;
	if (proc_run_capture(p->argv, e, p->cwd, 60, 1 << 22, &out, &status,
			     &timed_out, &err) == 0 &&
	    !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		char *line = out.buf;
		while (line && *line) {
			char *nl = strchr(line, '\n');
			if (!nl)
				break; /* a last line cut short by the output cap */
			*nl = '\0';
			char *tab = strchr(line, '\t');
			if (tab) {
				*tab = '\0';
				/* a third field: the group has set-up/tear-down */
				char *flag = strchr(tab + 1, '\t');
				if (flag)
					*flag++ = '\0';
				add_test(s, p, line, tab + 1);
				s->tests[s->ntests - 1].group_fixture =
					flag && !strcmp(flag, "1");
				added++;
			}
			line = nl + 1;
		}
	}
	strbuf_release(&out);
	strbuf_release(&err);
	strv_free(e);
	strv_free(penv);
	free(ld);
	free(pfx);
	free(llvm);
	return added;
}

size_t collect_tests(struct suite *s, const char *preload, char *const *env,
		     const char *scratch_prefix)
{
	size_t unsplit = 0;
	for (size_t i = 0; i < s->nprogs; i++) {
		struct program *p = s->progs[i];
		char *exe = p->argv[0];
		if (!preload && !p->will_fail && !p->not_run && links_cmocka(exe))
			unsplit++;
		/* after Ctrl-C the run stops: no more listing */
		if (preload && !proc_interrupt && !p->will_fail && !p->not_run &&
		    links_cmocka(exe) &&
		    list_cmocka(s, p, preload, env, scratch_prefix) > 0) {
			p->cmocka = 1;
			continue;
		}
		add_test(s, p, NULL, NULL);
	}
	return unsplit;
}

static char **json_strv(const struct json *arr)
{
	size_t n = arr && arr->type == J_ARRAY ? arr->n : 0;
	char **v = xcalloc(n + 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (arr->items[i].type == J_STRING)
			v[k++] = xstrdup(arr->items[i].string);
	return v;
}

/* ctest's test list of build_dir (ctest --show-only=json-v1), parsed.
 * Returns NULL with the cause in err. */
static struct json *ctest_list(const char *build_dir, struct strbuf *err)
{
	char *dir = xstrdup(build_dir); /* argv's strings are not const */
	char *argv[] = {"ctest", "--test-dir", dir, "--show-only=json-v1", NULL};
	extern char **environ;
	struct strbuf out;
	strbuf_init(&out);
	int status = 0, timed_out = 0;
	struct json *j = NULL;
	if (proc_run_capture(argv, environ, NULL, 300, 1 << 26, &out, &status,
			     &timed_out, err))
		goto done;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		strbuf_addf(err, "ctest --show-only=json-v1 failed in \"%s\" "
			    "(is it a configured CMake build tree?): %.300s",
			    build_dir, out.buf);
		goto done;
	}
	/* ctest may print notes before the JSON */
	char *brace = strchr(out.buf, '{');
	struct strbuf jerr;
	strbuf_init(&jerr);
	j = brace ? json_parse(brace, out.len - (size_t)(brace - out.buf), &jerr)
		  : NULL;
	if (!j)
		strbuf_addf(err, "cannot read ctest's test list for \"%s\": %s",
			    build_dir, brace ? jerr.buf : "no JSON in its output");
	strbuf_release(&jerr);
done:
	strbuf_release(&out);
	free(dir);
	return j;
}

/* A test's CTest properties into tmp (cwd, timeout, serial, will_fail,
 * skip_rc, labels), *envv (ENVIRONMENT) and *disabled. */
static void ctest_properties(const struct json *props, struct program *tmp,
			     char ***envv, int *disabled)
{
	for (size_t k = 0; props && props->type == J_ARRAY && k < props->n; k++) {
		const struct json *pn = json_get(&props->items[k], "name");
		const struct json *pv = json_get(&props->items[k], "value");
		if (!pn || pn->type != J_STRING || !pv)
			continue;
		const char *key = pn->string;
		if (!strcmp(key, "ENVIRONMENT")) {
			strv_free(*envv);
			*envv = json_strv(pv);
		} else if (!strcmp(key, "WORKING_DIRECTORY") && pv->type == J_STRING) {
			free(tmp->cwd);
			tmp->cwd = xstrdup(pv->string);
		} else if (!strcmp(key, "TIMEOUT") && pv->type == J_NUMBER) {
			tmp->timeout = pv->number;
		} else if (!strcmp(key, "RUN_SERIAL") && pv->type == J_BOOL) {
			tmp->serial = pv->number != 0;
		} else if (!strcmp(key, "WILL_FAIL") && pv->type == J_BOOL) {
			tmp->will_fail = pv->number != 0;
		} else if (!strcmp(key, "DISABLED") && pv->type == J_BOOL) {
			*disabled = pv->number != 0;
		} else if (!strcmp(key, "SKIP_RETURN_CODE") && pv->type == J_NUMBER) {
			tmp->skip_rc = (int)pv->number;
		} else if (!strcmp(key, "LABELS") && pv->type == J_ARRAY) {
			struct strbuf lb;
			strbuf_init(&lb);
			for (size_t q = 0; q < pv->n; q++)
				if (pv->items[q].type == J_STRING)
					strbuf_addf(&lb, "%s%s", q ? ";" : "",
						    pv->items[q].string);
			free(tmp->labels);
			tmp->labels = strbuf_detach(&lb, NULL);
			strbuf_release(&lb);
		}
	}
}

/* One test of ctest's list as a program of s. */
static void add_ctest_test(struct suite *s, const struct json *t)
{
	const struct json *name = json_get(t, "name");
	const struct json *cmd = json_get(t, "command");
	if (!name || name->type != J_STRING)
		return;
	int disabled = 0;
	struct program tmp = {0};
	tmp.skip_rc = -1;
	char **envv = NULL;
	ctest_properties(json_get(t, "properties"), &tmp, &envv, &disabled);
	char **argvv = json_strv(cmd);
	char *not_run = NULL;
	if (!argvv[0] && !disabled)
		/* as ctest itself: "Could not find executable", "Not Run", a
		 * failure */
		not_run = xstrdup("not run: ctest found no executable "
				  "for this test (its target was not "
				  "built, or a wrong path?)");
	if (!argvv[0] || disabled) {
		/* a disabled test still shows up, as skipped; one without a
		 * command (ctest found no executable: its target was not
		 * built, or a wrong path) is an error */
		strv_free(argvv);
		argvv = xcalloc(2, sizeof(char *));
		argvv[0] = xstrdup("true");
		tmp.skip_rc = 0;
	}
	struct program *p = add_program(s, name->string, argvv[0]);
	strv_free(p->argv);
	p->argv = argvv;
	p->env = envv;
	p->cwd = tmp.cwd;
	p->timeout = tmp.timeout;
	p->serial = tmp.serial;
	p->will_fail = tmp.will_fail;
	p->skip_rc = tmp.skip_rc;
	p->labels = tmp.labels;
	if (not_run) {
		p->not_run = not_run;
		p->skip_rc = -1;
	}
}

int collect_ctest(struct suite *s, const char *build_dir, struct strbuf *err)
{
	struct json *j = ctest_list(build_dir, err);
	if (!j)
		return -1;
	const struct json *tests = json_get(j, "tests");
	for (size_t i = 0; tests && tests->type == J_ARRAY && i < tests->n; i++)
		add_ctest_test(s, &tests->items[i]);
	json_free(j);
	return 0;
}

void suite_release(struct suite *s)
{
	free(s->affected);
	for (size_t i = 0; i < s->ntests; i++) {
		free(s->tests[i].group);
		free(s->tests[i].name);
		free(s->tests[i].id);
	}
	free(s->tests);
	for (size_t i = 0; i < s->nprogs; i++) {
		struct program *p = s->progs[i];
		free(p->name);
		strv_free(p->argv);
		strv_free(p->env);
		free(p->cwd);
		free(p->labels);
		free(p->not_run);
		free(p);
	}
	free(s->progs);
	memset(s, 0, sizeof(*s));
}
