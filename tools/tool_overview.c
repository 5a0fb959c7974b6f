/* Not built yet: being written (issue 3). */
#include "tool_int.h"

const struct tool_def tool_def_comprehensive_overview = { .name = "get_comprehensive_database_overview" };
