/* http/cases_internal.h: helpers shared by the case handlers (api_cases.c,
 * api_casework.c, api_referrals.c, api_caseload.c); see cases_common.c. */
#ifndef SANAD_HTTP_CASES_INTERNAL_H
#define SANAD_HTTP_CASES_INTERNAL_H

#include "http/http_internal.h"

/* The case as JSON for the caller: policy_redact applied to a copy, then
 * every visible field in the shape of the JSON export, wrapped as
 * {"ref", "access", "version", "case": {...}}.  New reference. */
json_t *case_json_for(struct http_ctx *c, const struct case_record *kase);
/* A list row: reference, owner, stage, status, dates, sex, age band,
 * citizenship and (when visible) the names; "overdue" and "access".  New
 * reference. */
json_t *case_summary_json(struct http_ctx *c, const struct case_record *kase);
/* The fields case_summary_json shows (NULL-terminated).  They include all
 * the policy needs to decide on a case of the caller's own organisation
 * (organisation, owner) and case_is_overdue's, so lists of such cases read
 * only these (case_query.fields). */
extern const char *const case_summary_fields[];
/* The content hash that versions a case (32 hex digits): it changes exactly
 * when a stored value changes. */
void case_version(const struct case_record *c, char out[33]);
/* 1 if cas_Status is a closed status. */
int case_is_closed(const struct case_record *kase);
/* 1 if the case is open and its next follow-up date is before today. */
int case_is_overdue(const struct case_record *kase, const char *today);

/* Apply the JSON object obj (field name -> value) to rec, a record of group
 * g.  Unknown keys, system fields and the fields in refused (NULL-terminated,
 * may be NULL) are refused; values are normalised like an import's.  set
 * (may be NULL; sized for the group's fields) marks the fields set.  On
 * failure the reply is made and -1 returned. */
int case_apply_fields(struct http_ctx *c, struct record *rec, enum group_id g, json_t *obj,
		      const char *const *refused, unsigned char *set);

/* A change to a case, applied to the freshly loaded record inside the
 * write transaction.  Returns 0, or makes the error reply and returns -1.
 * *detail may be set to a new string for the audit record (no personal
 * data: codes, counts, field names). */
typedef int (*case_change_fn)(struct http_ctx *c, struct case_record *kase, void *arg, char **detail);

/* Run fn on the case of c (see cases_common.c for the sequence) and answer
 * status with the case as the caller now sees it. */
void case_change(struct http_ctx *c, case_change_fn fn, void *arg, const char *audit_action,
		 const char *audit_detail, int status);
/* Answer status with kase for the caller, with its ETag. */
void case_reply(struct http_ctx *c, int status, const struct case_record *kase);

/* Move snd_Stage forward to stage (Identified < Referred < Assisted <
 * ReturnedReintegrated < Closed); never back. */
void case_advance_stage(struct case_record *kase, const char *stage);
/* The return rule: a service item of type Return needs a RiskAssessment
 * service on the case dated on or before it (undated ones count).  Returns
 * 0, or replies 409 risk_assessment_required and returns -1. */
int case_check_return(struct http_ctx *c, const struct case_record *kase, const struct record *service);

#endif
