/* File names as reports show them: relative to the root when inside it. */
#include <string.h>

#include "alloc.h"
#include "rows.h"

const char *cm_display_name(const char *path, const char *root)
{
	if (!root)
		return path;
	size_t lr = strlen(root);
	if (lr == 1 && root[0] == '/')
		return path[0] == '/' ? path + 1 : path;
	if (strncmp(path, root, lr) == 0 && path[lr] == '/')
		return path + lr + 1;
	return path;
}
