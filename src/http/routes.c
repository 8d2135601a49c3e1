/*
 * http/routes.c: the one route table.  Each row names the method, the path
 * pattern, the handler, what the gate must check before the handler runs
 * (session, policy action, body, case visibility) and a handler argument.
 * Adding an endpoint touches this table, one handler file, docs/api.md
 * and tests/http/authz-matrix.tsv; the tests fail if one is forgotten.
 */
#include "http/http_internal.h"

#include <string.h>

#define R(m, p, h, fl, act, alt, arg) { m, p, h, #h, fl, act, alt, arg }
#define CASE_BODY (ROUTE_CASE | ROUTE_BODY_JSON)

static const struct http_route routes[] = {
	R(HTTP_GET, "/api/v1/health", api_health_get, ROUTE_PUBLIC, ACT_NONE, ACT_NONE, 0),

	/* the session and the caller's own account */
	R(HTTP_POST, "/api/v1/session", api_session_create, ROUTE_PUBLIC | ROUTE_BODY_JSON, ACT_NONE, ACT_NONE, 0),
	R(HTTP_DELETE, "/api/v1/session", api_session_delete, ROUTE_BODY_OPTIONAL, ACT_SELF, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/me", api_me_get, 0, ACT_SELF, ACT_NONE, 0),
	R(HTTP_PUT, "/api/v1/me/password", api_me_password, ROUTE_BODY_JSON, ACT_SELF, ACT_NONE, 0),
	R(HTTP_PUT, "/api/v1/me/language", api_me_language, ROUTE_BODY_JSON, ACT_SELF, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/session", api_ui_session_get, 0, ACT_SELF, ACT_NONE, 0), /* api_ui_extras.c */

	/* administration */
	R(HTTP_GET, "/api/v1/users", api_users_list, 0, ACT_USER_ADMIN_ORG, ACT_USER_ADMIN_ALL, 0),
	R(HTTP_POST, "/api/v1/users", api_users_create, ROUTE_BODY_JSON, ACT_USER_ADMIN_ORG, ACT_USER_ADMIN_ALL, 0),
	R(HTTP_PATCH, "/api/v1/users/{username}", api_users_update, ROUTE_BODY_JSON, ACT_USER_ADMIN_ORG,
	  ACT_USER_ADMIN_ALL, 0),
	R(HTTP_GET, "/api/v1/organisations", api_organisations_list, 0, ACT_SELF, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/organisations", api_organisations_create, ROUTE_BODY_JSON, ACT_ORG_ADMIN, ACT_NONE, 0),
	R(HTTP_PATCH, "/api/v1/organisations/{code}", api_organisations_update, ROUTE_BODY_JSON, ACT_ORG_ADMIN,
	  ACT_USER_ADMIN_ORG, 0),
	R(HTTP_GET, "/api/v1/audit", api_audit_list, 0, ACT_AUDIT_VIEW_ORG, ACT_AUDIT_VIEW_ALL, 0),

	/* cases */
	R(HTTP_GET, "/api/v1/cases", api_cases_list, 0, ACT_CASE_LIST, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases", api_cases_create, ROUTE_BODY_JSON, ACT_CASE_CREATE, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/cases/{ref}", api_cases_get, ROUTE_CASE, ACT_CASE_READ, ACT_NONE, 0),
	R(HTTP_PATCH, "/api/v1/cases/{ref}", api_cases_update, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/events", api_case_items_add, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE,
	  GROUP_EVENT),
	R(HTTP_POST, "/api/v1/cases/{ref}/services", api_case_items_add, CASE_BODY, ACT_CASE_ADD_NOTE, ACT_NONE,
	  GROUP_SERVICE),
	R(HTTP_POST, "/api/v1/cases/{ref}/comments", api_case_items_add, CASE_BODY, ACT_CASE_ADD_NOTE, ACT_NONE,
	  GROUP_COMMENT),
	R(HTTP_POST, "/api/v1/cases/{ref}/support_plans", api_case_items_add, CASE_BODY, ACT_CASE_ADD_NOTE,
	  ACT_NONE, GROUP_PLAN),
	R(HTTP_POST, "/api/v1/cases/{ref}/perpetrators", api_case_items_add, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE,
	  GROUP_PERPETRATOR),
	R(HTTP_POST, "/api/v1/cases/{ref}/consents", api_consents_add, CASE_BODY, ACT_CONSENT_RECORD, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/screening", api_case_screening, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/referrals", api_referrals_create, CASE_BODY, ACT_REFERRAL_CREATE,
	  ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/return", api_case_return, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/closure", api_case_closure, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/reopen", api_case_reopen, ROUTE_CASE | ROUTE_BODY_OPTIONAL,
	  ACT_CASE_UPDATE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/cases/{ref}/handover", api_case_handover, CASE_BODY, ACT_CASE_HANDOVER, ACT_NONE, 0),
	/* one item of a repeating group, {n} from 1 (api_casework.c) */
	R(HTTP_PATCH, "/api/v1/cases/{ref}/{group}/{n}", api_case_item_update, CASE_BODY, ACT_CASE_UPDATE, ACT_NONE,
	  0),
	R(HTTP_DELETE, "/api/v1/cases/{ref}/{group}/{n}", api_case_item_delete, ROUTE_CASE | ROUTE_BODY_OPTIONAL,
	  ACT_CASE_UPDATE, ACT_NONE, 0),

	/* referrals addressed to the caller's organisation: {id} is REF.N */
	R(HTTP_GET, "/api/v1/referrals/incoming", api_referrals_incoming, 0, ACT_REFERRAL_DECIDE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/referrals/{id}/accept", api_referrals_accept, ROUTE_CASE | ROUTE_BODY_OPTIONAL,
	  ACT_REFERRAL_DECIDE, ACT_NONE, 0),
	R(HTTP_POST, "/api/v1/referrals/{id}/decline", api_referrals_decline, ROUTE_CASE | ROUTE_BODY_OPTIONAL,
	  ACT_REFERRAL_DECIDE, ACT_NONE, 0),

	R(HTTP_GET, "/api/v1/caseload", api_caseload_get, 0, ACT_CASELOAD_VIEW, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/team", api_ui_team_get, 0, ACT_TEAM_VIEW, ACT_NONE, 0), /* api_ui_extras.c */
	/* statistics, always published with disclosure control (api_stats.c) */
	R(HTTP_GET, "/api/v1/stats", api_stats_get, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/stats/dimensions", api_stats_dimensions, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/stats/chart", api_stats_chart, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	/* the suppression threshold: read by whoever sees statistics, set by
	 * the system administrator (the permission over organisations and
	 * their pool membership, the rest of the statistics' governance) */
	R(HTTP_GET, "/api/v1/stats/settings", api_stats_settings_get, 0, ACT_STATS_VIEW, ACT_ORG_ADMIN, 0),
	R(HTTP_PUT, "/api/v1/stats/settings", api_stats_settings_put, ROUTE_BODY_JSON, ACT_ORG_ADMIN, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/reports/statistics/{year}", api_stats_report, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	/* SDG 16.2.2 and the population figures it divides by (api_population.c);
	 * PUT: the system administrator or the national coordinator (checked
	 * by the handler: no one policy action holds exactly those two) */
	R(HTTP_GET, "/api/v1/stats/sdg", api_stats_sdg, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/population", api_population_list, 0, ACT_STATS_VIEW, ACT_ORG_ADMIN, 0),
	R(HTTP_PUT, "/api/v1/population", api_population_put, ROUTE_BODY_JSON, ACT_ORG_ADMIN, ACT_STATS_VIEW, 0),
	R(HTTP_GET, "/api/v1/reports", api_reports_years, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/reports/{year}", api_reports_get, 0, ACT_STATS_VIEW, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/vocab", api_vocab_list, 0, ACT_SELF, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/vocab/{list}", api_vocab_get, 0, ACT_SELF, ACT_NONE, 0),
	R(HTTP_GET, "/api/v1/fields", api_ui_fields_get, 0, ACT_SELF, ACT_NONE, 0), /* api_ui_extras.c */

	/* the web interface: embedded files, never under /api */
	R(HTTP_GET, "/", api_static_get, ROUTE_PUBLIC | ROUTE_STATIC, ACT_NONE, ACT_NONE, 0),
	R(HTTP_GET, "/{file*}", api_static_get, ROUTE_PUBLIC | ROUTE_STATIC, ACT_NONE, ACT_NONE, 0),
};

const struct http_route *http_routes(int *count)
{
	*count = (int)(sizeof(routes) / sizeof(routes[0]));
	return routes;
}

int http_route_count(void)
{
	return (int)(sizeof(routes) / sizeof(routes[0]));
}

void http_route_info(int i, struct http_route_info *out)
{
	const struct http_route *r = &routes[i];
	out->method = r->method;
	out->pattern = r->pattern;
	out->handler = r->handler_name;
	out->permission = r->action == ACT_NONE ? "" : policy_action_name((enum policy_action)r->action);
	out->permission_alt = r->action_alt == ACT_NONE ? "" : policy_action_name((enum policy_action)r->action_alt);
	out->flags = r->flags;
}
