/* Not built yet: the schema mapping (issue 3). */
#include "tool_int.h"
