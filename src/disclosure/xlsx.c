/* disclosure/xlsx.c: placeholder until the XLSX writer lands (issue 5). */
#include "disclosure/disclosure.h"

int disclosure_table_xlsx(const struct disclosure_table *p, int labels, enum vocab_lang lang,
			  struct strbuf *out, struct sanad_error *err)
{
	(void)p, (void)labels, (void)lang, (void)out;
	return sanad_error_set(err, SANAD_EINVAL, "XLSX export is not built yet");
}
