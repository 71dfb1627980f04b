#include "hung.h"

#include "results.h"

const char *hung_running_test(const struct suite *s, const struct item *it,
			      const char *output)
{
	size_t k = 0;
	if (it->prog->cmocka && it->ntests > 1 && output) {
		k = results_reported(s, it, output);
		if (k >= it->ntests)
			k = it->ntests - 1; /* past its last test: in tear-down */
	}
	return s->tests[it->tests[k]].id;
}
