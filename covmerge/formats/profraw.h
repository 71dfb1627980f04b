/* Which binaries a raw LLVM profile (.profraw, clang's
 * -fprofile-instr-generate) comes from: the build ids its header lists,
 * read natively. */
#ifndef CM_PROFRAW_H
#define CM_PROFRAW_H

#include <stddef.h>

#include "path.h"

/* Adds to ids the build ids (lowercase hex) that the raw profile p (len
 * bytes) names. Returns 1 when it names them (raw formats 6 to 8, those
 * of LLVM 13 to 16, with a list), 0 when it cannot tell (another
 * version, or a profile written without build ids), -1 when p is no raw
 * profile or is cut short (nothing added then). Every offset is checked
 * against len. */
int profraw_binary_ids(const unsigned char *p, size_t len, struct path_list *ids);

#endif
