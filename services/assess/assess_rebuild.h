/* assess_rebuild: `lianxin-assess rebuild --district D --year Y`: the member
 * files of a district's year built again from bus.events (a new rule for a
 * past year is a rebuild, not a migration), through the same mapping as the
 * live consumer (assess_map), a page of events per statement, in one transaction: the year's acts and files are deleted,
 * every stream the files follow is replayed, every file recomputed.
 * Progress (counts and rate only) on stderr. */
#ifndef LIANXIN_ASSESS_REBUILD_H
#define LIANXIN_ASSESS_REBUILD_H

/* argv: the program's, holding "rebuild", [-c CONFIG], --district D, --year Y
 * and optionally --dsn DSN.
 * Returns the exit code: 0 done, 1 bad arguments, 2 error. */
int assess_rebuild_main(int argc, char **argv);

#endif
