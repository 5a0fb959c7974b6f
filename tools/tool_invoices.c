/* Not built yet: being written (issue 3). */
#include "tool_int.h"

const struct tool_def tool_def_all_invoices = { .name = "get_all_invoices" };
const struct tool_def tool_def_invoice_count = { .name = "get_invoice_count" };
const struct tool_def tool_def_invoice_by_number = { .name = "get_invoice_by_number" };
const struct tool_def tool_def_latest_invoice = { .name = "get_latest_invoice" };
