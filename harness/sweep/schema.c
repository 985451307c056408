/*
 * The column descriptors (schema.h), expanded from schema.def without
 * the getters: what every reader of results.csv links.
 */
#include <string.h>

#include "schema.h"

#define ID     COL_ID
#define METHOD COL_METHOD
#define PLAN   COL_PLAN
#define REP    COL_REP
#define T      COL_TABLE
#define CNT    COL_COUNTER
#define SCHEMA_COL(name, unit, type, agg, flags, head, fmt, better, opt, get,  \
		   arg)                                                        \
	{name, unit, type, agg, flags, head, fmt, better, opt},

const struct column schema_columns[] = {
#include "schema.def"
};
#undef SCHEMA_COL
#undef ID
#undef METHOD
#undef PLAN
#undef REP
#undef T
#undef CNT

const size_t schema_ncolumns =
	sizeof(schema_columns) / sizeof(schema_columns[0]);

const struct column *
schema_find(const char *name)
{
	for (size_t k = 0; k < schema_ncolumns; k++)
		if (strcmp(schema_columns[k].name, name) == 0)
			return &schema_columns[k];
	return NULL;
}

bool
schema_is_own(const char *name)
{
	size_t n = strlen(SCHEMA_OWN_PREFIX);

	return strncmp(name, SCHEMA_OWN_PREFIX, n) == 0 && name[n] != '\0';
}

bool
schema_is_metric(const char *name)
{
	const struct column *c = schema_find(name);

	return c ? c->agg == AGG_MEDIAN : schema_is_own(name);
}

int
schema_direction(const char *name)
{
	const struct column *c = schema_find(name);

	return c ? c->better : 0;
}

bool
schema_has(const char *name, unsigned flags)
{
	const struct column *c = schema_find(name);

	return c && (c->flags & flags);
}

static const char *
role_of(const struct column *c)
{
	if (c->flags & COL_ID)
		return "identity";
	if (c->flags & COL_METHOD)
		return "method";
	if (c->flags & COL_PLAN)
		return "plan";
	if (c->flags & COL_REP)
		return "repetition";
	if (c->agg == AGG_MEDIAN)
		return c->flags & COL_COUNTER ? "counter" : "metric";
	return "row";
}

int
schema_describe(FILE *f)
{
	static const char *const type[] = {"text", "integer", "number", "seed"};

	if (fprintf(f, "column\tunit\ttype\trole\toption\n") < 0)
		return -1;
	for (size_t k = 0; k < schema_ncolumns; k++) {
		const struct column *c = &schema_columns[k];

		if (fprintf(f, "%s\t%s\t%s\t%s\t%s\n", c->name,
			    c->unit[0] ? c->unit : "-", type[c->type],
			    role_of(c), c->opt ? c->opt : "-") < 0)
			return -1;
	}
	if (fprintf(f,
		    "%sNAME\t(the map's)\tinteger\tcounter\t- (one per "
		    "counter of the sweep's maps; mapbench list names them)\n",
		    SCHEMA_OWN_PREFIX) < 0)
		return -1;
	return 0;
}
