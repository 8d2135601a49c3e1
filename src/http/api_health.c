/* http/api_health.c: GET /api/v1/health, for load balancers and for
 * scripts waiting until the server is ready.  Says nothing about data. */
#include "http/http_internal.h"

void api_health_get(struct http_ctx *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(o, "schema", json_integer(storage_schema_version(c->st)));
	reply_json(c, 200, o);
}
