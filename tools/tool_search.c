/* Not built yet: being written (issue 3). */
#include "tool_int.h"

const struct tool_def tool_def_search = { .name = "search_customer_data" };
