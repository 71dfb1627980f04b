/* Small pieces the report writers share. */
#ifndef CM_REPORT_UTIL_H
#define CM_REPORT_UTIL_H

#include "covmerge.h"
#include "outfile.h"
#include "rows.h"
#include "strbuf.h"

#endif
